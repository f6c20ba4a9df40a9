using MembershipLedger.Grants;

namespace MembershipLedger.Api.Grants.ReturningFunds;

/// <summary>The body of <c>POST /grants/{grantId}/returns</c>.</summary>
/// <param name="Reference">The transfer's reference, when there is one.</param>
public sealed record ReturnRequest(decimal Amount, LocalDate? ReturnedOn, string? Reference, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class ReturnFundsEndpoint
{
    [WolverinePost("/grants/{grantId}/returns"), Tags("Grants"), EndpointSummary("Record unspent funds returned to the grantor")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(string grantId, ReturnRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
        => GrantAnswers.DecideAsync(grantId, stream, session, clock, ct,
            (grant, today) => Spending.Return(new global::MembershipLedger.Grants.ReturnFunds(request.Amount, request.ReturnedOn ?? today, request.Reference), grant, today));
}
