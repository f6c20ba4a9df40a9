using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Lifecycle;

/// <summary>The body of <c>POST /activities/{activityId}/report</c>: outcomes, a report link and a Commons category.</summary>
public sealed record ReportRequest(
    [Range(0, 1_000_000)] int? ArticlesCreated, [Range(0, 1_000_000)] int? ArticlesImproved, [Range(0, 10_000_000)] int? Uploads,
    [MaxLength(2000)] string? Notes, [MaxLength(500)] string? ReportUrl, [MaxLength(255)] string? CommonsCategory, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (ReportUrl is not null && !(Uri.TryCreate(ReportUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            errors.Add("reportUrl", "must be an http(s) link.");
    }
}

public static class ReportActivityEndpoint
{
    [WolverinePost("/activities/{activityId}/report"), Tags("Activities"), EndpointSummary("Report outcomes, a report link and a Commons category")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status200OK)]
    public static IResult Post(string activityId, ReportRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream,
                Planning.Report(new Outcomes(request.ArticlesCreated, request.ArticlesImproved, request.Uploads, request.Notes, request.ReportUrl,
                    request.CommonsCategory), activity),
                http => ActivityAnswers.OkAsync(session, activity.Id, http));
}
