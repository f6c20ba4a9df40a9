using MembershipLedger.Api.Groups;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.People;

namespace MembershipLedger.Api.Memberships;

/// <summary>
/// Which affiliation stream a membership or role write goes to: the one per group and person, found through the
/// person's current name (a renamed account keeps its stream; its former name writes nothing any more).
/// </summary>
public static class AffiliationStreams
{
    /// <summary>The group, and the stream of <paramref name="username"/>'s affiliation with it; or the problem to answer with.</summary>
    /// <param name="alongside">More reads for the same round trip (a sign-up's look-alike names).</param>
    public static async Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> OfAsync(
        IDocumentSession session, string groupId, string username, CancellationToken ct, Action<Marten.Services.BatchQuerying.IBatchedQuery>? alongside = null)
    {
        if (!GroupEndpoints.IsGroupId(groupId)) return (null, null, Problems.UnknownGroup(groupId));
        var name = Usernames.Normalize(username);
        // One round trip for the group, the name's rename record and the stream under the name as given (what it is
        // unless the person was renamed), instead of one after another: a sign-up's reads were most of its round trips.
        var batch = session.CreateBatchQuery();
        var loadedGroup = batch.Load<GroupProfile>(groupId);
        var account = batch.Load<AccountName>(name);
        var asGiven = Affiliation.StreamKey(groupId, name);
        var stream = batch.Events.FetchForWriting<Affiliation>(asGiven);
        alongside?.Invoke(batch);
        await batch.Execute(ct);

        if (await loadedGroup is not { } group) return (null, null, Problems.UnknownGroup(groupId));
        var (streamName, renamed) = Accounts.StreamNameOf(name, await account);
        if (renamed is not null) return (group, null, Problems.From(renamed));
        var key = Affiliation.StreamKey(group.Id, streamName!);
        return (group, key == asGiven ? new StreamTarget<Affiliation>(key, await stream) : new StreamTarget<Affiliation>(key), WolverineContinue.Result());
    }

    /// <summary>What a membership write recorded, read from the event it appended.</summary>
    public static MembershipChange Change(object recorded, long version) => recorded switch
    {
        MemberSignedUp s => new MembershipChange(s.GroupId, s.Username, "member-signed-up", s.SignUpId, s.SignedAt, s.SignedAt, version),
        MemberWithdrew w => new MembershipChange(w.GroupId, w.Username, "member-withdrew", w.SignUpId, null, w.EffectiveAt, version),
        MemberRemoved r => new MembershipChange(r.GroupId, r.Username, "member-removed", r.SignUpId, null, r.EffectiveAt, version),
        SignUpRetracted r => new MembershipChange(r.GroupId, r.Username, "sign-up-retracted", r.SignUpId, null, null, version),
        SignatureTimeCorrected c => new MembershipChange(c.GroupId, c.Username, "signature-time-corrected", c.SignUpId, c.SignedAt, c.SignedAt, version),
        var other => throw new InvalidOperationException($"No response mapping for {other.GetType().Name}."),
    };

    /// <summary>The answer of an ending, a retraction or a correction: what was recorded, at the version it reached.</summary>
    public static Func<HttpContext, Task<IResult>> Changed(Decision decision, JasperFx.Events.IEventStream<Affiliation> stream) =>
        http => Task.FromResult<IResult>(TypedResults.Ok(Change(decision.Events.Single(), stream.CurrentVersion ?? 1)));
}
