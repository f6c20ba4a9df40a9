using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Participants;

/// <summary>The body of <c>POST /activities/{activityId}/sign-ups</c>: a signature on the interested list.</summary>
public sealed record ActivitySignUpRequest([MaxLength(120)] string Username, Instant? SignedAt, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Username is not null && Usernames.Invalid(Usernames.Normalize(Username), false) is { } why) errors.Add("username", why);
    }
}

public static class SignUpForActivityEndpoint
{
    [WolverinePost("/activities/{activityId}/sign-ups"), Tags("Activities"), EndpointSummary("Record a signature on the interested list")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status201Created)]
    public static IResult Post(string activityId, ActivitySignUpRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session, IClock clock) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream,
                Participating.SignUp(new global::MembershipLedger.Activities.SignUpForActivity(Usernames.Normalize(request.Username), request.SignedAt),
                    activity, clock.GetCurrentInstant()),
                async http => TypedResults.Created($"/activities/{activity.Id}/sign-ups", await ActivityAnswers.CurrentAsync(session, activity.Id, http)));
}
