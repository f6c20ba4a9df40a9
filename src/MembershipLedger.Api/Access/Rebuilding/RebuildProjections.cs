using MembershipLedger.Interchange;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Authorization;

namespace MembershipLedger.Api.Access.Rebuilding;

/// <summary>The body of <c>POST /admin/rebuild</c>: why the projections are rebuilt (a fixed dead letter, a repaired event).</summary>
public sealed record RebuildRequest([MaxLength(500)] string? Reason) : ILedgerRequest;

/// <summary>Rebuild every projection from the events: a durable message, handled once it is safely stored.</summary>
/// <param name="RequestedBy">The admin who asked.</param>
public sealed record RebuildProjections(string RequestedBy, string? Reason);

/// <summary>What <c>POST /admin/rebuild</c> answers: the rebuild is under way.</summary>
public sealed record RebuildAccepted(string Detail, string Verify);

/// <summary>
/// An admin asks for a rebuild from the browser or the API. The request is answered at once (202) and the rebuild runs as
/// a Wolverine message on a durable local queue: the message is stored in the ledger's database before the answer, so
/// a host stopped mid-rebuild finds it again on its next start and rebuilds then. Readers keep the full tables all along
/// (<see cref="LedgerProjections"/>: one transaction).
/// </summary>
public static class RebuildProjectionsEndpoint
{
    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/admin/rebuild"), Tags("Admin"), EndpointSummary("Rebuild every projection from the events, in the background (admin)")]
    [ProducesResponseType<RebuildAccepted>(StatusCodes.Status202Accepted)]
    public static (IResult, RebuildProjections) Post(RebuildRequest request, HttpContext http) =>
        (TypedResults.Accepted("/admin/verify",
                new RebuildAccepted("The projections are being rebuilt; readers see the current tables until it commits.", "/admin/verify")),
            new RebuildProjections(http.User.Identity!.Name!, request.Reason));
}

public static class RebuildProjectionsHandler
{
    public static async Task Handle(RebuildProjections message, IDocumentStore store, ILogger<RebuildProjections> log, CancellationToken ct)
    {
        log.LogInformation("Rebuilding the projections, as {RequestedBy} asked{Why}.", message.RequestedBy, message.Reason is { } why ? $": {why}" : "");
        await LedgerProjections.RebuildAsync(store, new Progress<ImportProgress>(p => log.LogInformation("Rebuild: {Phase}: {Done} of {Of}", p.Phase, p.Done, p.Of)), ct);
        log.LogInformation("Rebuilt the projections, as {RequestedBy} asked.", message.RequestedBy);
    }
}
