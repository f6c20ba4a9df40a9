using Marten;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Http;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships;

/// <summary>
/// The one write path for an affiliation stream: load the group and the stream, decide, append, save.
/// A refused decision returns before anything is appended; a write that lost a race is told so (409).
/// </summary>
public static class AffiliationWrites
{
    /// <summary>The problem to return, or the events appended and the stream version they reached.</summary>
    public sealed record Outcome(IResult? Problem, IReadOnlyList<object> Events, long Version);

    public static async Task<GroupProfile?> LoadGroupAsync(IQuerySession session, string groupId, CancellationToken ct) =>
        GroupEndpoints.IsGroupId(groupId) ? await session.LoadAsync<GroupProfile>(groupId, ct) : null;

    public static async Task<Outcome> WriteAsync(
        IDocumentSession session, HttpContext http, string groupId, string username, string? reason, Func<Affiliation?, Decision> decide)
    {
        var ct = http.RequestAborted;
        var stream = await session.Events.FetchForWriting<Affiliation>(Affiliation.StreamKey(groupId, username), ct);
        var decision = decide(stream.Aggregate);
        if (decision.Problem is { } refused) return new Outcome(Problems.From(refused), [], 0);

        Recording.Stamp(session, http, reason);
        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException
                                       or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return new Outcome(Problems.ConcurrentWrite(), [], 0);
        }

        return new Outcome(null, decision.Events, stream.CurrentVersion ?? decision.Events.Count);
    }
}
