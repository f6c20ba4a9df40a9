using MembershipLedger.Grants;

namespace MembershipLedger.Api.Grants.Reallocating;

/// <summary>One move of a reallocation: an amount from a line to another.</summary>
public sealed record MoveRequest([MaxLength(64)] string From, [MaxLength(64)] string To, decimal Amount);

/// <summary>The body of <c>POST /grants/{grantId}/reallocations</c>: one approved budget change request.</summary>
/// <param name="Moves">Every move of the request; all are recorded, or none.</param>
/// <param name="ApprovalReference">The grantor's reference for the approval.</param>
/// <param name="ApprovedOn">The approval's date; today in the group's zone when left out.</param>
public sealed record ReallocationRequest([MaxLength(50)] MoveRequest[] Moves, [MaxLength(300)] string? ApprovalReference, LocalDate? ApprovedOn,
    [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class ReallocateBudgetEndpoint
{
    [WolverinePost("/grants/{grantId}/reallocations"), Tags("Grants"),
     EndpointSummary("Move amounts between budget lines as one approved change request (all the moves, or none)")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(string grantId, ReallocationRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
        => GrantAnswers.DecideAsync(grantId, stream, session, clock, ct, (grant, today) => Budgeting.Reallocate(
            new ReallocateBudget([.. request.Moves.Select(m => new BudgetMove(m.From, m.To, m.Amount))], request.ApprovalReference, request.ApprovedOn ?? today), grant, today));
}
