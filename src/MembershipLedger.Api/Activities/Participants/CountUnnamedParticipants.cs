using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Participants;

/// <summary>The body of <c>PUT /activities/{activityId}/unnamed-participants</c>: how many took part without being named.</summary>
public sealed record HeadCountRequest([Range(0, 1_000_000)] int Count, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class CountUnnamedParticipantsEndpoint
{
    [WolverinePut("/activities/{activityId}/unnamed-participants"), Tags("Activities"), EndpointSummary("Record the count of participants not named")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status200OK)]
    public static IResult Put(string activityId, HeadCountRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream, Participating.Count(request.Count, activity), http => ActivityAnswers.OkAsync(session, activity.Id, http));
}
