using MembershipLedger.Api.Groups;
using MembershipLedger.Activities;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Activities;

/// <summary>What a new activity and a changed one both describe; read into <see cref="ActivityDetails"/> by <see cref="ActivityDescriptions"/>.</summary>
/// <remarks>Groups are ids of the groups it belongs to; the time zone, left out, is the first group's; EndsOn, left out, is StartsOn.</remarks>
public interface IActivityDescription
{
    string[] Groups { get; }
    ActivityKind Kind { get; }
    string Title { get; }
    PartialDate StartsOn { get; }
    PartialDate? EndsOn { get; }
    DateTimeZone? TimeZone { get; }
    string? City { get; }
    string? CountryCode { get; }
    bool? Online { get; }
    string[]? Organizers { get; }
}

public static class ActivityDescriptions
{
    /// <summary>What the request's types cannot say: each group id a slug, a known country, valid organizer names.</summary>
    public static void Check(IActivityDescription request, FieldErrors errors)
    {
        if (request.Groups?.FirstOrDefault(g => g.Length > 64) is { } tooLong) errors.Add("groups", $"'{tooLong[..20]}…' is longer than any group id.");
        if (request.CountryCode is { } country && !CountryCodes.IsAssigned(country)) errors.Add("countryCode", $"'{country}' is not an ISO 3166-1 alpha-2 code.");
        foreach (var raw in request.Organizers ?? [])
            if (Usernames.Invalid(Usernames.Normalize(raw), isOrganization: false) is { } why) errors.Add("organizers", $"'{raw}': {why}");
    }

    /// <summary>The description with its groups found; a group that is not registered is reported as a field error.</summary>
    public static async Task<(ActivityDetails?, IResult)> ReadAsync(IActivityDescription request, IQuerySession session, CancellationToken ct)
    {
        var groups = new List<GroupProfile>();
        foreach (var groupId in request.Groups)
        {
            if (await GroupProfiles.LoadAsync(session, groupId, ct) is { } group) groups.Add(group);
            else return (null, Problems.Invalid("groups", $"No group '{groupId}' is registered."));
        }
        if (groups.Count == 0) return (null, Problems.Invalid("groups", "must name at least one group."));
        var organizers = (request.Organizers ?? []).Select(Usernames.Normalize).Distinct().ToList();
        return (new ActivityDetails(request.Groups, request.Kind, request.Title, request.StartsOn, request.EndsOn ?? request.StartsOn,
            request.TimeZone ?? groups[0].Profile.TimeZone, new Place(request.City, request.CountryCode, request.Online ?? false), organizers),
            Wolverine.Http.WolverineContinue.Result());
    }
}

/// <summary>The answers every activity use case gives.</summary>
public static class ActivityAnswers
{
    public static IResult Unknown(string activityId) =>
        Problems.From(LedgerProblem.NotFound("activityId", $"No activity '{activityId}' is recorded."));

    public static async Task<ActivityResponse> CurrentAsync(IQuerySession session, string activityId, HttpContext http) =>
        ActivityResponse.From(await Outcome.LoadWrittenAsync<Activity>(session, activityId, a => a.Version, http));

    public static async Task<IResult> OkAsync(IQuerySession session, string activityId, HttpContext http) =>
        TypedResults.Ok(await CurrentAsync(session, activityId, http));
}

/// <summary>An activity as the API shows it.</summary>
public sealed record ActivityResponse(
    string Id, IReadOnlyList<string> Groups, ActivityKind Kind, string Title, PartialDate StartsOn, PartialDate EndsOn, string TimeZone,
    Place Place, IReadOnlyList<string> Organizers, ActivityStatus Status, IReadOnlyList<ActivitySignUp> SignUps,
    IReadOnlyList<Participation> Participation, int? UnnamedParticipants, int ParticipantCount, Outcomes? Outcomes,
    Instant RecordedAt, Instant UpdatedAt, long Version)
{
    public static ActivityResponse From(Activity a) => new(
        a.Id, a.Details.GroupIds, a.Details.Kind, a.Details.Title, a.Details.StartsOn, a.Details.EndsOn, a.Details.TimeZone.Id,
        a.Details.Place, a.Details.Organizers, a.Status, a.SignUps, a.Participation, a.UnnamedParticipants, a.ParticipantCount,
        a.Outcomes, a.RecordedAt, a.UpdatedAt, a.Version);
}

/// <summary>The interested list as it stood at a moment: dated signatures in time order, undated ones apart.</summary>
public sealed record SignUpList(string ActivityId, Instant? AsOf, int Count, IReadOnlyList<ActivitySignUp> SignUps, IReadOnlyList<ActivitySignUp> Undated);

public static class ActivityEndpoints
{
    public static void MapActivityEndpoints(this IEndpointRouteBuilder app)
    {
        var activities = app.MapGroup("/activities").WithTags("Activities");
        activities.MapGet("/{activityId}", Get).Produces<ActivityResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("An activity");
        activities.MapGet("/{activityId}/sign-ups", SignUps).Produces<SignUpList>().WithSummary("The interested list, optionally as it stood at an instant");

        app.MapGet("/groups/{groupId}/activities", ListForGroup).WithTags("Activities")
            .Produces<IReadOnlyList<ActivityResponse>>().WithSummary("The group's activities, latest first");
    }

    private static async Task<IResult> Get(string activityId, IQuerySession session, CancellationToken ct) =>
        await LoadAsync(session, activityId, ct) is { } activity ? TypedResults.Ok(ActivityResponse.From(activity)) : Unknown(activityId);

    private static async Task<IResult> ListForGroup(string groupId, IQuerySession session, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is null) return Problems.UnknownGroup(groupId);
        var activities = await session.Query<Activity>().Where(a => a.Details.GroupIds.Contains(groupId)).ToListAsync(ct);
        return TypedResults.Ok(activities.OrderByDescending(a => a.Details.StartsOn).ThenBy(a => a.Id).Select(ActivityResponse.From).ToList());
    }

    private static async Task<IResult> SignUps(string activityId, string? asOf, IQuerySession session, CancellationToken ct)
    {
        if (await LoadAsync(session, activityId, ct) is not { } activity) return Unknown(activityId);
        Instant? at = null;
        if (asOf is not null)
        {
            // A date means the end of that day in the activity's zone, as a roster's asOf does.
            if (!Moments.TryParseAsOf(asOf, activity.Details.TimeZone, out var parsed))
                return Problems.Invalid("asOf", $"'{asOf}' is neither a date nor an ISO-8601 instant {Moments.Span}.");
            at = parsed;
        }
        // "As of" counts the signatures made by then; undated ones cannot be placed, so they are listed apart.
        var dated = activity.SignUps.Where(s => s.SignedAt is { } t && (at is null || t <= at)).OrderBy(s => s.SignedAt).ToList();
        var undated = activity.SignUps.Where(s => s.SignedAt is null).ToList();
        return TypedResults.Ok(new SignUpList(activity.Id, at, dated.Count, dated, undated));
    }

    private static async Task<Activity?> LoadAsync(IQuerySession session, string activityId, CancellationToken ct) =>
        Slugs.IsSlug(activityId) ? await session.LoadAsync<Activity>(activityId, ct) : null;

    private static IResult Unknown(string activityId) => ActivityAnswers.Unknown(activityId);
}
