using MembershipLedger.Api.Access;
using MembershipLedger.Api.Groups;
using MembershipLedger.Governance;
using Microsoft.AspNetCore.Authorization;

namespace MembershipLedger.Api.Governance;

/// <summary>The body of <c>POST /groups/{groupId}/recognition</c>: a step of the group's recognition and the day it took effect.</summary>
/// <param name="Step"><c>applied</c>, <c>provisionally-approved</c>, <c>recognized</c>, <c>suspended</c>, <c>reinstated</c> or <c>derecognized</c>.</param>
/// <param name="TrialEndsOn">For a provisional approval: when its trial period ends.</param>
/// <param name="Link">Where the decision is written: the Affiliations Committee's resolution, a Meta-Wiki page.</param>
/// <param name="Reason">Why; required for a suspension, a reinstatement and a derecognition.</param>
public sealed record RecognitionRequest([MaxLength(40)] string Step, LocalDate On, LocalDate? TrialEndsOn, [MaxLength(500)] string? Link,
    [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Step is "suspended" or "reinstated" or "derecognized" && string.IsNullOrWhiteSpace(Reason))
            errors.Add("reason", $"is required for a step '{Step}': the record says why.");
    }
}

/// <summary>The body of <c>POST /groups/{groupId}/agreements</c>.</summary>
public sealed record AgreementRequest(LocalDate SignedOn, LocalDate EndsOn, [MaxLength(500)] string? Link, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IHasReason;

/// <summary>The body of <c>POST /groups/{groupId}/reports</c>.</summary>
/// <param name="Kind">The report's kind: <c>activity</c>, <c>financial</c>, or another the rules name.</param>
public sealed record ReportRequest([MaxLength(40)] string Kind, LocalDate PeriodStart, LocalDate PeriodEnd, LocalDate SubmittedOn,
    [MaxLength(500)] string? Link, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>Recognition, agreements and reports: each recorded on the group's own stream, through the pure decisions of <see cref="Recognizing"/>.</summary>
public static class RecordRecognitionEndpoints
{
    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/groups/{groupId}/recognition"), Tags("Governance"), EndpointSummary("Record a step of the group's recognition (admins)")]
    [ProducesResponseType<StandingResponse>(StatusCodes.Status201Created)]
    public static Task<IResult> Recognize(string groupId, RecognitionRequest request,
        [WriteAggregate("groupId", Required = false)] IEventStream<GroupStanding> stream, IDocumentSession session, IClock clock, CancellationToken ct) =>
        DecideAsync(groupId, stream, session, clock, ct, (standing, today) =>
            Recognizing.Record(new RecordRecognition(standing.GroupId, request.Step, request.On, request.TrialEndsOn, request.Link), standing, today));

    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/groups/{groupId}/agreements"), Tags("Governance"), EndpointSummary("Record an agreement signed or renewed (admins)")]
    [ProducesResponseType<StandingResponse>(StatusCodes.Status201Created)]
    public static Task<IResult> Agreement(string groupId, AgreementRequest request,
        [WriteAggregate("groupId", Required = false)] IEventStream<GroupStanding> stream, IDocumentSession session, IClock clock, CancellationToken ct) =>
        DecideAsync(groupId, stream, session, clock, ct, (standing, today) =>
            Recognizing.Sign(new RecordAgreement(standing.GroupId, request.SignedOn, request.EndsOn, request.Link), standing, today));

    [WolverinePost("/groups/{groupId}/reports"), Tags("Governance"), EndpointSummary("Record a report the group submitted")]
    [ProducesResponseType<StandingResponse>(StatusCodes.Status201Created)]
    public static Task<IResult> Report(string groupId, ReportRequest request,
        [WriteAggregate("groupId", Required = false)] IEventStream<GroupStanding> stream, IDocumentSession session, IClock clock, CancellationToken ct) =>
        DecideAsync(groupId, stream, session, clock, ct, (standing, today) =>
            Recognizing.Submit(new RecordReport(standing.GroupId, request.Kind, request.PeriodStart, request.PeriodEnd, request.SubmittedOn, request.Link), standing, today));

    private static async Task<IResult> DecideAsync(string groupId, IEventStream<GroupStanding> stream, IDocumentSession session, IClock clock,
        CancellationToken ct, Func<GroupStanding, LocalDate, Decision> decide)
    {
        if (stream.Aggregate is not { } standing || await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        return Outcome.Append(stream, decide(standing, GroupProfiles.Today(group, clock)), async http =>
            TypedResults.Created($"/groups/{group.Id}/recognition", StandingResponse.From(
                (await session.Events.AggregateStreamAsync<GroupStanding>(group.Id, token: http.RequestAborted))!, GroupProfiles.Today(group, clock))));
    }
}

/// <summary>A group's recognition as the ledger knows it: status today, each step, agreements and reports.</summary>
public sealed record StandingResponse(
    string GroupId, RecognitionStatus Status, LocalDate? RecognizedSince, IReadOnlyList<RecognitionStep> Steps,
    IReadOnlyList<Agreement> Agreements, IReadOnlyList<SubmittedReport> Reports)
{
    public static StandingResponse From(GroupStanding standing, LocalDate today) =>
        new(standing.GroupId, standing.StatusOn(today), standing.RecognizedSince(today), standing.Steps, standing.Agreements, standing.Reports);
}
