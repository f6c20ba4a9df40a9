using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Grants.Awarding;

/// <summary>The body of <c>POST /groups/{groupId}/grants</c>. Amounts are decimals in <paramref name="Currency"/>.</summary>
/// <param name="Lines">Budget lines, e.g. <c>[{"id": "accommodation", "category": "Accommodation", "amount": 400}]</c>.</param>
/// <param name="AwardedOn">The date of the award; today in the group's zone when left out.</param>
public sealed record GrantRequest(
    [MaxLength(64)] string Id, string Grantor, string Program, [MaxLength(500)] string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd,
    [MaxLength(3)] string Currency, decimal Total, [MaxLength(AwardGrantEndpoint.MaxLines)] BudgetLineRequest[]? Lines, PartialDate? AwardedOn,
    [MaxLength(64)] string? ActivityId, [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Id is not null && !Slugs.IsSlug(Id)) errors.Add("id", Slugs.Rule);
    }
}

/// <summary>One budget line of an award.</summary>
public sealed record BudgetLineRequest([MaxLength(64)] string Id, string Category, decimal Amount) : IValidatedRequest
{
    public void Validate(FieldErrors errors)
    {
        if (Id is not null && !Slugs.IsSlug(Id)) errors.Add("id", Slugs.Rule);
    }
}

public static class AwardGrantEndpoint
{
    public const int MaxLines = 50;

    /// <summary>The group the route names, and the new grant's stream, named by the body.</summary>
    public static async Task<(GroupProfile?, StreamTarget<Grant>?, IResult)> LoadAsync(string groupId, GrantRequest request, IDocumentSession session, CancellationToken ct) =>
        await GroupProfiles.LoadAsync(session, groupId, ct) is { } group
            ? (group, new StreamTarget<Grant>(request.Id), WolverineContinue.Result())
            : (null, null, Problems.UnknownGroup(groupId));

    [WolverinePost("/groups/{groupId}/grants"), Tags("Grants"), EndpointSummary("Record a grant awarded to the group, with its budget lines")]
    [ProducesResponseType<GrantResponse>(StatusCodes.Status201Created)]
    public static IResult Post(GrantRequest request, GroupProfile group, IEventStream<Grant> stream, IDocumentSession session, IClock clock)
    {
        var command = new AwardGrant(request.Id, group.Id, request.Grantor, request.Program, request.Purpose, request.PeriodStart, request.PeriodEnd,
            request.Currency, request.Total, [.. (request.Lines ?? []).Select(l => new BudgetLine(l.Id, l.Category, l.Amount))],
            request.AwardedOn ?? GroupProfiles.Today(group, clock), request.ActivityId);
        return Outcome.Append(stream, Budgeting.Award(command, stream.Aggregate),
            async http => TypedResults.Created($"/grants/{request.Id}", await GrantAnswers.CurrentAsync(session, request.Id, http)));
    }
}
