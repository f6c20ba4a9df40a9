using Marten;

namespace MembershipLedger.Storage;

/// <summary>
/// What <c>verify</c> answers: the event chain (every stored row as it was appended) and the projections (built by this
/// version, with no event any projection failed to apply). The chain's fields stay at the top, as before.
/// </summary>
/// <param name="Intact">The chain holds: no event was altered, removed or added behind the ledger's back.</param>
/// <param name="ProjectionsWhole">Every projection applied every event and was built by this version's definitions.</param>
/// <param name="Unsealed">Events appended while the check ran, not yet sealed: checked by the next verify.</param>
/// <param name="DeadLetters">The first events a projection could not apply (recorded, skipped), with the error.</param>
public sealed record LedgerVerification(
    bool Intact, long Events, long Amended, EventChain.BrokenLink? FirstBroken, string? Head, long Unsealed,
    bool ProjectionsWhole, ProjectionStatus Projections, IReadOnlyList<DeadLetter> DeadLetters)
{
    public static async Task<LedgerVerification> VerifyAsync(IDocumentStore store, CancellationToken ct = default)
    {
        var chain = await EventChain.VerifyAsync(store, ct);
        var projections = await LedgerProjections.StatusAsync(store, ct);
        var letters = projections.DeadLetters > 0 ? await LedgerProjections.DeadLettersAsync(store, 20, ct) : [];
        return new LedgerVerification(chain.Intact, chain.Events, chain.Amended, chain.FirstBroken, chain.Head, chain.Unsealed,
            projections.Current && projections.DeadLetters == 0, projections, letters);
    }
}
