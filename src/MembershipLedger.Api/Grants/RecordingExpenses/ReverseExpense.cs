using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Groups;
using Npgsql;

namespace MembershipLedger.Api.Grants.RecordingExpenses;

/// <summary>The body of <c>POST /grants/{grantId}/expenses/{expenseId}/reversal</c>; the reason is required.</summary>
public sealed record ReversalRequest([MaxLength(500)] string? Reason, LocalDate? ReversedOn) : ILedgerRequest, IHasReason;

public static class ReverseExpenseEndpoint
{
    [WolverinePost("/grants/{grantId}/expenses/{expenseId}/reversal"), Tags("Grants"),
     EndpointSummary("Reverse an expense recorded in error (a reason is required)")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string grantId, string expenseId, ReversalRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        if (stream.Aggregate is not { } grant) return GrantAnswers.Unknown(grantId);
        if (!Guid.TryParse(expenseId, out var id))
            return Problems.From(LedgerProblem.NotFound("expenseId", $"'{expenseId}' is not an expense id."));
        var reversedOn = request.ReversedOn ?? await GroupProfiles.TodayAsync(session, grant.GroupId, clock, ct);
        var expense = await SpendTrailQuery.FindExpenseAsync(db, grant.Id, id, ct);
        return Outcome.Append(stream, Spending.Reverse(new ReverseExpense(id, reversedOn, request.Reason), grant, expense),
            http => GrantAnswers.OkAsync(session, grant.Id, http));
    }
}
