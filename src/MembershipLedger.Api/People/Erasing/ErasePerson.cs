using Microsoft.AspNetCore.Authorization;
using MembershipLedger.Api.Access;
using MembershipLedger.Interchange;
using MembershipLedger.People;

namespace MembershipLedger.Api.People.Erasing;

/// <summary>The body of <c>POST /people/{username}/erasure</c>.</summary>
public sealed record ErasureBody([MaxLength(500)] string Reason) : ILedgerRequest;

/// <summary>
/// Erasure of a person's personal data on request. It rewrites stored events and rebuilds the projections in its own
/// transaction (<see cref="Erasure"/>), so no reader ever sees the projections still holding what the events no longer do.
/// </summary>
public static class ErasePersonEndpoint
{
    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/people/{username}/erasure"), Tags("People"),
     EndpointSummary("Erase the person's personal data on request; rosters keep them under a pseudonym (admin)")]
    [ProducesResponseType<ErasureReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string username, ErasureBody request, HttpContext http, IDocumentStore store, ILogger<ErasureRequest> log)
    {
        var name = Usernames.Normalize(username);
        if (Usernames.Invalid(name, true) is { } why) return Problems.Invalid("username", why);
        var report = await Erasure.EraseAsync(store,
            new ErasureRequest(name, request.Reason, http.User.Identity!.Name!, Recording.SourceOf(http), Recording.CorrelationOf(http)), http.RequestAborted,
            // Operators see an erasure's rebuild go by: appends wait for it.
            new Progress<ImportProgress>(p => log.LogInformation("Erasure: {Phase}: {Done} of {Of}", p.Phase, p.Done, p.Of)));
        return report is null
            ? Problems.From(LedgerProblem.NotFound("username", $"No event of the ledger names {name}."))
            : TypedResults.Ok(report);
    }
}
