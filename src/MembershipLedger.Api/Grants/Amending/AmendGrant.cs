using MembershipLedger.Grants;

namespace MembershipLedger.Api.Grants.Amending;

/// <summary>The body of <c>POST /grants/{grantId}/amendments</c>.</summary>
/// <param name="Total">The award's new total, in the grant's currency.</param>
/// <param name="ApprovalReference">The grantor's reference for the approval (a task, a page, a letter).</param>
/// <param name="ApprovedOn">The approval's date; today in the group's zone when left out.</param>
/// <param name="Reason">Required: why the total changed.</param>
public sealed record AmendmentRequest(decimal Total, [MaxLength(300)] string? ApprovalReference, LocalDate? ApprovedOn, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IHasReason;

public static class AmendGrantEndpoint
{
    [WolverinePost("/grants/{grantId}/amendments"), Tags("Grants"), EndpointSummary("Amend the award's total (up or down), as approved on a date")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(string grantId, AmendmentRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
        => GrantAnswers.DecideAsync(grantId, stream, session, clock, ct,
            (grant, today) => Budgeting.Amend(new AmendGrant(request.Total, request.ApprovalReference, request.ApprovedOn ?? today, request.Reason), grant, today));
}
