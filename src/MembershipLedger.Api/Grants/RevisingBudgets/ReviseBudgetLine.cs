using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Grants.RevisingBudgets;

/// <summary>The body of <c>PUT /grants/{grantId}/lines/{lineId}</c>: adds the line, or revises it.</summary>
/// <param name="RevisedOn">The revision's date; today in the group's zone when left out.</param>
public sealed record BudgetLineRevision(string? Category, decimal Amount, LocalDate? RevisedOn, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class ReviseBudgetLineEndpoint
{
    [WolverinePut("/grants/{grantId}/lines/{lineId}"), Tags("Grants"), EndpointSummary("Add a budget line, or revise one (each revision is kept)")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Put(string grantId, string lineId, BudgetLineRevision request,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, IClock clock, CancellationToken ct)
    {
        if (stream.Aggregate is not { } grant) return GrantAnswers.Unknown(grantId);
        if (!Slugs.IsSlug(lineId)) return Problems.Invalid("lineId", Slugs.Rule);
        var revisedOn = request.RevisedOn ?? await GroupProfiles.TodayAsync(session, grant.GroupId, clock, ct);
        return Outcome.Append(stream, Budgeting.Revise(new ReviseBudget(lineId, request.Category, request.Amount, revisedOn), grant),
            http => GrantAnswers.OkAsync(session, grant.Id, http));
    }
}
