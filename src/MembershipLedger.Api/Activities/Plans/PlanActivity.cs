using MembershipLedger.Activities;

namespace MembershipLedger.Api.Activities.Plans;

/// <summary>The body of <c>POST /activities</c>: the activity's description, and whether it is planned or already held.</summary>
/// <param name="Id">A slug; left out, one is made from the title and the first day.</param>
/// <param name="Status"><c>planned</c> (the default) or <c>held</c>, for an activity recorded afterwards.</param>
public sealed record NewActivityRequest(
    [MaxLength(64)] string? Id, [MaxLength(Planning.MaxGroups)] string[] Groups, ActivityKind Kind, [MaxLength(300)] string Title, PartialDate StartsOn,
    PartialDate? EndsOn, DateTimeZone? TimeZone, [MaxLength(100)] string? City, [MaxLength(2)] string? CountryCode, bool? Online,
    [MaxLength(50)] string[]? Organizers, ActivityStatus? Status, [MaxLength(500)] string? Reason)
    : ILedgerRequest, IValidatedRequest, IHasReason, IActivityDescription
{
    public void Validate(FieldErrors errors)
    {
        if (Id is not null && !Slugs.IsSlug(Id)) errors.Add("id", Slugs.Rule);
        if (Status is not (null or ActivityStatus.Planned or ActivityStatus.Held))
            errors.Add("status", "A new activity is planned or held; report or cancel it afterwards.");
        ActivityDescriptions.Check(this, errors);
    }
}

public static class PlanActivityEndpoint
{
    /// <summary>The description with its groups found, and the new activity's stream: named by the body, or made from its title.</summary>
    public static async Task<(ActivityDetails?, StreamTarget<Activity>?, IResult)> LoadAsync(
        NewActivityRequest request, IDocumentSession session, CancellationToken ct)
    {
        var (details, problem) = await ActivityDescriptions.ReadAsync(request, session, ct);
        if (details is null) return (null, null, problem);
        var id = request.Id ?? Slugs.From($"{details.Title} {details.StartsOn:yyyy-MM-dd}");
        return Slugs.IsSlug(id)
            ? (details, new StreamTarget<Activity>(id), WolverineContinue.Result())
            : (null, null, Problems.Invalid("id", "No id could be made from the title; give one. " + Slugs.Rule));
    }

    [WolverinePost("/activities"), Tags("Activities"), EndpointSummary("Record an activity, planned or already held")]
    [ProducesResponseType<ActivityResponse>(StatusCodes.Status201Created)]
    public static IResult Post(NewActivityRequest request, ActivityDetails details, IEventStream<Activity> stream, IDocumentSession session, IClock clock)
    {
        var id = stream.Key!;
        var today = clock.GetCurrentInstant().InZone(details.TimeZone).Date;
        return Outcome.Append(stream, Planning.Plan(new PlanActivity(id, details, request.Status == ActivityStatus.Held), stream.Aggregate, today),
            async http => TypedResults.Created($"/activities/{id}", await ActivityAnswers.CurrentAsync(session, id, http)));
    }
}
