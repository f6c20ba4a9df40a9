using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Grants.Closing;

/// <summary>The body of <c>POST /grants/{grantId}/closure</c>; every field may be left out (an empty body closes it today).</summary>
public sealed record ClosureRequest(PartialDate? ClosedOn, [MaxLength(500)] string? FinalReportUrl, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class CloseGrantEndpoint
{
    [WolverinePost("/grants/{grantId}/closure"), Tags("Grants"), EndpointSummary("Close the grant with its final report; nothing more is spent on it")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string grantId, ClosureRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (stream.Aggregate is not { } grant) return GrantAnswers.Unknown(grantId);
        var today = await GroupProfiles.TodayAsync(session, grant.GroupId, clock, ct);
        return Outcome.Append(stream, Spending.Close(new global::MembershipLedger.Grants.CloseGrant(request.ClosedOn ?? today, request.FinalReportUrl), grant, today),
            http => GrantAnswers.OkAsync(session, grant.Id, http));
    }
}
