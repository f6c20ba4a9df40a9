using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Lifecycle;

public static class CancelActivityEndpoint
{
    [WolverinePost("/activities/{activityId}/cancellation"), Tags("Activities"), EndpointSummary("Record that the activity was called off (a reason is required)")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status200OK)]
    public static IResult Post(string activityId, LifecycleRequest request,
        [WriteAggregate("activityId", Required = false)] IEventStream<Activity> stream, IDocumentSession session) =>
        stream.Aggregate is not { } activity
            ? ActivityAnswers.Unknown(activityId)
            : Outcome.Append(stream, Planning.Cancel(activity, request.Reason), http => ActivityAnswers.OkAsync(session, activity.Id, http));
}
