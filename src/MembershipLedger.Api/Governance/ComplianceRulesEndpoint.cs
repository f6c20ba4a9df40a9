using MembershipLedger.Api.Access;
using MembershipLedger.Governance;
using MembershipLedger.Groups;
using Microsoft.AspNetCore.Authorization;

namespace MembershipLedger.Api.Governance;

/// <summary>One report the rules require: <c>{"kind": "activity", "dueMonthsAfterYearEnd": 3}</c>.</summary>
public sealed record ReportRuleRequest([MaxLength(40)] string Kind, int DueMonthsAfterYearEnd);

/// <summary>The body of <c>POST /governance/rules</c>: the rules for a kind of group from a day on.</summary>
public sealed record ComplianceRulesRequest(GroupKind Kind, LocalDate EffectiveFrom, int MinimumMembers, int MinimumContacts, ReportRuleRequest[] Reports,
    [MaxLength(500)] string Reason) : ILedgerRequest, IHasReason;

public static class ComplianceRulesEndpoint
{
    /// <summary>Rules are data, and a change to them is an event: a past day is judged by the rules of that day.</summary>
    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/governance/rules"), Tags("Governance"), EndpointSummary("Set the compliance rules of a kind of group from a day on (admins)")]
    [ProducesResponseType<ComplianceRulesSet>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(ComplianceRulesRequest request, IDocumentSession session, CancellationToken ct)
    {
        var decision = ComplianceRules.Set(new ComplianceRulesSet(request.Kind, request.EffectiveFrom, request.MinimumMembers, request.MinimumContacts,
            [.. request.Reports.Select(r => new ReportRule(r.Kind, r.DueMonthsAfterYearEnd))]));
        if (decision.Problem is { } problem) return Problems.From(problem);
        session.Events.Append(ComplianceRules.StreamKey, decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return TypedResults.Created("/governance/rules", decision.Events.Single());
    }
}
