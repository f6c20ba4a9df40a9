using MembershipLedger.Grants;

namespace MembershipLedger.Api.Grants.ReceivingFunds;

/// <summary>The body of <c>POST /grants/{grantId}/receipts</c>: a disbursement as it arrived.</summary>
/// <param name="Sent">What the grantor sent, in the grant's currency.</param>
/// <param name="Currency">The currency it arrived in (the group's own, usually).</param>
/// <param name="Received">What arrived, in <paramref name="Currency"/>, after the transfer's fees and taxes.</param>
/// <param name="ReceivedOn">The day it arrived; today in the group's zone when left out.</param>
/// <param name="Reference">The transfer's reference.</param>
public sealed record ReceiptRequest(decimal Sent, [MaxLength(3)] string Currency, decimal Received, LocalDate? ReceivedOn, [MaxLength(200)] string? Reference,
    [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class ReceiveFundsEndpoint
{
    [WolverinePost("/grants/{grantId}/receipts"), Tags("Grants"),
     EndpointSummary("Record funds received: sent in the grant's currency, received in the local one (expenses in it take its rate)")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(string grantId, ReceiptRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
        => GrantAnswers.DecideAsync(grantId, stream, session, clock, ct,
            (grant, today) => Spending.Receive(new ReceiveFunds(request.Sent, request.Currency, request.Received, request.ReceivedOn ?? today, request.Reference), grant, today));
}
