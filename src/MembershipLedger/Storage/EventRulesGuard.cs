using Marten;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Storage;

/// <summary>Raised when a session is about to append an event that breaks <see cref="EventRules"/>; nothing is appended.</summary>
public sealed class EventRuleViolation(LedgerProblem problem, string eventType)
    : Exception($"A {eventType} event was refused before it was appended: {problem.Name}: {problem.Detail}")
{
    public LedgerProblem Problem { get; } = problem;
}

/// <summary>
/// The last door before the event table: every session's pending events are checked against <see cref="EventRules"/>
/// before anything is written, whichever path queued them (an endpoint, the signature importer, the command line, an
/// import). Decisions and readers refuse bad input earlier with better words; this guard makes "no event a projection
/// cannot apply" hold for paths that forget, and for paths not written yet.
/// </summary>
public sealed class EventRulesGuard(IClock clock) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var now = clock.GetCurrentInstant();
        foreach (var stream in session.PendingChanges.Streams())
        foreach (var e in stream.Events)
            if (EventRules.Check(e.Data, now) is { } problem)
                throw new EventRuleViolation(problem, e.EventTypeName ?? e.Data.GetType().Name);
        return Task.CompletedTask;
    }
}
