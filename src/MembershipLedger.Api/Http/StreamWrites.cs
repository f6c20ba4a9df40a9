using Marten;
using MembershipLedger.Ledger;

namespace MembershipLedger.Api.Http;

/// <summary>
/// The one write path of every stream: fetch it for writing, decide, append, save. A refused decision returns
/// before anything is appended; a write that lost a race to the same stream is told so (409).
/// </summary>
public static class StreamWrites
{
    /// <summary>The problem to return, or the events appended and the stream version they reached.</summary>
    public sealed record Outcome(IResult? Problem, IReadOnlyList<object> Events, long Version);

    public static async Task<Outcome> AppendAsync<TState>(
        IDocumentSession session, HttpContext http, string streamKey, string? reason, Func<TState?, Decision> decide) where TState : class
    {
        var ct = http.RequestAborted;
        var stream = await session.Events.FetchForWriting<TState>(streamKey, ct);
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
