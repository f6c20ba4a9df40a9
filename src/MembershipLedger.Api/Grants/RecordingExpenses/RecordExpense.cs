using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Grants.RecordingExpenses;

/// <summary>The body of <c>POST /grants/{grantId}/expenses</c>.</summary>
/// <param name="Currency">The currency it was paid in.</param>
/// <param name="ExchangeRate">Grant currency per 1 unit of <paramref name="Currency"/>; required when they differ.</param>
/// <param name="SpentOn">The payment's date, or only its month or year when the report says no more.</param>
public sealed record ExpenseRequest(
    [MaxLength(64)] string LineId, decimal Amount, [MaxLength(3)] string Currency, decimal? ExchangeRate, PartialDate SpentOn, string Payee,
    [MaxLength(500)] string Description, string? Receipt, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>What an expense write recorded.</summary>
public sealed record ExpenseResponse(Guid ExpenseId, string GrantId, string LineId, decimal Amount, string Currency, decimal? ExchangeRate,
    decimal AmountInGrantCurrency, string GrantCurrency, PartialDate SpentOn, decimal LineRemaining, decimal GrantRemaining, long Version);

public static class RecordExpenseEndpoint
{
    [WolverinePost("/grants/{grantId}/expenses"), Tags("Grants"), EndpointSummary("Record an expense against a budget line")]
    [ProducesResponseType<ExpenseResponse>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(string grantId, ExpenseRequest request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (stream.Aggregate is not { } grant) return GrantAnswers.Unknown(grantId);
        var command = new RecordExpense(Guid.NewGuid(), request.LineId, request.Amount, request.Currency, request.ExchangeRate, request.SpentOn,
            request.Payee, request.Description, request.Receipt);
        var today = await GroupProfiles.TodayAsync(session, grant.GroupId, clock, ct);
        var decision = Spending.Record(command, grant, today);
        return Outcome.Append(stream, decision, async http =>
        {
            var recorded = (ExpenseRecorded)decision.Events.Single();
            var after = (await session.LoadAsync<Grant>(grant.Id, http.RequestAborted))!;
            return TypedResults.Created($"/grants/{grant.Id}/expenses/{recorded.ExpenseId}", new ExpenseResponse(
                recorded.ExpenseId, grant.Id, recorded.LineId, recorded.Amount, recorded.Currency, recorded.ExchangeRate, recorded.AmountInGrantCurrency,
                grant.Currency, recorded.SpentOn, after.Lines[recorded.LineId].Remaining, after.Remaining, after.Version));
        });
    }
}
