using MembershipLedger.Grants;

namespace MembershipLedger.Api.Grants.Closing;

/// <summary>The body of <c>POST /grants/{grantId}/closure</c>; every field may be left out (an empty body closes it today).</summary>
public sealed record ClosureRequest(PartialDate? ClosedOn, [MaxLength(500)] string? FinalReportUrl, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class CloseGrantEndpoint
{
    [WolverinePost("/grants/{grantId}/closure"), Tags("Grants"), EndpointSummary("Close the grant with its final report; nothing more is spent on it")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(string grantId, ClosureRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
        => GrantAnswers.DecideAsync(grantId, stream, session, clock, ct,
            (grant, today) => Spending.Close(new global::MembershipLedger.Grants.CloseGrant(request.ClosedOn ?? today, request.FinalReportUrl), grant, today));
}
