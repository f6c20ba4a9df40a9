using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Participants;

/// <summary>The body of <c>POST /activities/{activityId}/participants</c>: what one person did.</summary>
/// <param name="Part">attended, presented, organized, facilitated, trained, met-committee, volunteered or other.</param>
/// <param name="On">The day, when known.</param>
public sealed record ParticipationRequest(
    [MaxLength(120)] string Username, ParticipationPart Part, [MaxLength(Participating.MaxNoteLength)] string? Note, LocalDate? On,
    [MaxLength(500)] string? Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (Username is not null && Usernames.Invalid(Usernames.Normalize(Username), false) is { } why) errors.Add("username", why);
    }
}

public static class RecordParticipationEndpoint
{
    [WolverinePost("/activities/{activityId}/participants"), Tags("Activities"),
     EndpointSummary("Record what one person did (attended, presented, organized, met a committee, …)")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status201Created)]
    public static IResult Post(string activityId, ParticipationRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream,
                Participating.Record(new global::MembershipLedger.Activities.RecordParticipation(
                    Usernames.Normalize(request.Username), request.Part, request.Note, request.On), activity),
                async http => TypedResults.Created($"/activities/{activity.Id}", await ActivityAnswers.CurrentAsync(session, activity.Id, http)));
}
