using Marten;
using MembershipLedger.Api.Access;
using MembershipLedger.Ledger;

namespace MembershipLedger.Api.Http;

/// <summary>
/// The one write path of every stream: fetch it for writing, check who is writing, decide, append, save. A refused
/// write returns before anything is appended; a write that lost a race to the same stream is told so (409), and one
/// whose <c>If-Match</c> names a version the stream has moved past gets 412.
/// </summary>
public static class StreamWrites
{
    /// <summary>The problem to return, or the events appended and the stream version they reached.</summary>
    public sealed record Outcome(IResult? Problem, IReadOnlyList<object> Events, long Version);

    public static async Task<Outcome> AppendAsync<TState>(
        IDocumentSession session, HttpContext http, string streamKey, string? reason, Func<TState?, Decision> decide) where TState : class
    {
        var ct = http.RequestAborted;
        var (expected, badHeader) = Versions.Expected(http.Request);
        if (badHeader is not null) return Refused(badHeader);

        var stream = await session.Events.FetchForWriting<TState>(streamKey, ct);
        // The key is checked against the groups the stream belongs to now, and below against those it will belong to.
        if (stream.Aggregate is IBelongsToGroups owned && Permissions.RefuseWrite(http.User, owned.OwningGroups) is { } notYours)
            return Refused(notYours);
        if (stream.Aggregate is null && Permissions.RefuseWrite(http.User, []) is { } readOnly) return Refused(readOnly);
        if (expected is { } version && version != (stream.CurrentVersion ?? 0)) return Refused(Versions.Stale(version, stream.CurrentVersion ?? 0));

        var decision = decide(stream.Aggregate);
        if (decision.Problem is { } refused) return Refused(Problems.From(refused));
        foreach (var moved in decision.Events.OfType<IBelongsToGroups>())
            if (Permissions.RefuseWrite(http.User, moved.OwningGroups) is { } notTheirs) return Refused(notTheirs);

        Recording.Stamp(session, http, reason);
        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException
                                       or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Refused(expected is { } stale ? Versions.Stale(stale, null) : Problems.ConcurrentWrite());
        }

        var reached = stream.CurrentVersion ?? decision.Events.Count;
        Versions.Tag(http.Response, reached);
        return new Outcome(null, decision.Events, reached);
    }

    private static Outcome Refused(IResult problem) => new(problem, [], 0);
}
