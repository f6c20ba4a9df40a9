using MembershipLedger.Api.Groups;
using Marten;
using MembershipLedger.Activities;
using MembershipLedger.Api.Http;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Api.Activities;

/// <summary>The body of <c>POST /activities</c> and <c>PUT /activities/{id}</c> (the id and status only on POST).</summary>
/// <param name="Id">A slug; left out, one is made from the title and the first day.</param>
/// <param name="Groups">Ids of the groups it belongs to.</param>
/// <param name="Kind">meetup, edit-a-thon, contest, workshop-or-training, photowalk, conference-participation, presentation-or-panel, strategy-salon, campaign or other.</param>
/// <param name="EndsOn">Left out for a one-day activity.</param>
/// <param name="TimeZone">IANA zone of its days; left out, the first group's.</param>
/// <param name="Status"><c>planned</c> (the default) or <c>held</c>, for an activity recorded afterwards.</param>
public sealed record ActivityRequest(
    string? Id, string[] Groups, string Kind, string Title, string StartsOn, string? EndsOn, string? TimeZone,
    string? City, string? CountryCode, bool? Online, string[]? Organizers, string? Status, string? Reason);

public sealed record ReportRequest(int? ArticlesCreated, int? ArticlesImproved, int? Uploads, string? Notes, string? ReportUrl, string? CommonsCategory, string? Reason);

public sealed record ActivitySignUpRequest(string Username, string? SignedAt, string? Reason);

/// <param name="Part">attended, presented, organized, facilitated, trained, met-committee, volunteered or other.</param>
/// <param name="On">The day, when known.</param>
public sealed record ParticipationRequest(string Username, string Part, string? Note, string? On, string? Reason);

public sealed record HeadCountRequest(int Count, string? Reason);

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
        activities.MapPost("/", Plan).Accepts<ActivityRequest>("application/json")
            .Produces<ActivityResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record an activity, planned or already held");
        activities.MapGet("/{activityId}", Get).Produces<ActivityResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("An activity");
        activities.MapPut("/{activityId}", Change).Accepts<ActivityRequest>("application/json")
            .Produces<ActivityResponse>().ProducesValidationProblem().WithSummary("Change an activity's description (reschedule, move, rename)");
        activities.MapPost("/{activityId}/held", Hold).Produces<ActivityResponse>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record that the activity took place");
        activities.MapPost("/{activityId}/cancellation", Cancel).Produces<ActivityResponse>().ProducesValidationProblem()
            .WithSummary("Record that the activity was called off (a reason is required)");
        activities.MapPost("/{activityId}/report", Report).Accepts<ReportRequest>("application/json")
            .Produces<ActivityResponse>().ProducesValidationProblem().WithSummary("Report outcomes, a report link and a Commons category");
        activities.MapPost("/{activityId}/sign-ups", SignUp).Accepts<ActivitySignUpRequest>("application/json")
            .Produces<ActivityResponse>(StatusCodes.Status201Created).ProducesValidationProblem().WithSummary("Record a signature on the interested list");
        activities.MapGet("/{activityId}/sign-ups", SignUps).Produces<SignUpList>().WithSummary("The interested list, optionally as it stood at an instant");
        activities.MapPost("/{activityId}/participants", Participate).Accepts<ParticipationRequest>("application/json")
            .Produces<ActivityResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Record what one person did (attended, presented, organized, met a committee, …)");
        activities.MapPut("/{activityId}/unnamed-participants", Count).Accepts<HeadCountRequest>("application/json")
            .Produces<ActivityResponse>().ProducesValidationProblem().WithSummary("Record the count of participants not named");

        app.MapGet("/groups/{groupId}/activities", ListForGroup).WithTags("Activities")
            .Produces<IReadOnlyList<ActivityResponse>>().WithSummary("The group's activities, latest first");
    }

    private static async Task<IResult> Plan(HttpContext http, IDocumentSession session, IClock clock)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var id = body.String("id", maxLength: 64);
        if (id is not null && !Slugs.IsSlug(id)) body.Error("id", Slugs.Rule);
        var status = body.Enum<ActivityStatus>("status") ?? ActivityStatus.Planned;
        if (status is not (ActivityStatus.Planned or ActivityStatus.Held))
            body.Error("status", "A new activity is planned or held; report or cancel it afterwards.");
        var (details, reason) = await ReadDetailsAsync(body, session, http.RequestAborted);
        if (body.Problem() is { } invalid) return invalid;

        id ??= Slugs.From($"{details!.Title} {details.StartsOn:yyyy-MM-dd}");
        if (!Slugs.IsSlug(id)) return Problems.Invalid("id", "No id could be made from the title; give one. " + Slugs.Rule);
        var today = clock.GetCurrentInstant().InZone(details!.TimeZone).Date;
        var outcome = await StreamWrites.AppendAsync<Activity>(session, http, id, reason,
            existing => Planning.Plan(new PlanActivity(id, details, status == ActivityStatus.Held), existing, today));
        if (outcome.Problem is { } refused) return refused;
        return TypedResults.Created($"/activities/{id}", ActivityResponse.From((await session.LoadAsync<Activity>(id, http.RequestAborted))!));
    }

    /// <summary>Reads the description fields; an unknown group is reported as a field error.</summary>
    private static async Task<(ActivityDetails? Details, string? Reason)> ReadDetailsAsync(JsonBody body, IQuerySession session, CancellationToken ct)
    {
        var groupIds = body.StringArray("groups", required: true, maxItems: Planning.MaxGroups, maxLength: 64);
        var kind = body.Enum<ActivityKind>("kind", required: true);
        var title = body.String("title", required: true, maxLength: 300);
        var startsOn = body.PartialDate("startsOn", required: true);
        var endsOn = body.PartialDate("endsOn");
        var zone = body.TimeZone("timeZone");
        var city = body.String("city", maxLength: 100);
        var country = body.String("countryCode", maxLength: 2);
        if (country is not null && !CountryCodes.IsAssigned(country)) body.Error("countryCode", $"'{country}' is not an ISO 3166-1 alpha-2 code.");
        var online = body.Bool("online") ?? false;
        var organizers = ReadUsernames(body, "organizers");
        var reason = body.String("reason", maxLength: 500);

        var groups = new List<GroupProfile>();
        foreach (var groupId in groupIds ?? [])
        {
            if (await GroupProfiles.LoadAsync(session, groupId, ct) is { } group) groups.Add(group);
            else body.Error("groups", $"No group '{groupId}' is registered.");
        }
        if (groupIds is null || kind is null || title is null || startsOn is null || groups.Count != groupIds.Count) return (null, reason);
        return (new ActivityDetails(groupIds, kind.Value, title, startsOn.Value, endsOn ?? startsOn.Value, zone ?? groups[0].Profile.TimeZone,
            new Place(city, country, online), organizers), reason);
    }

    private static string? ReadUsername(JsonBody body)
    {
        var raw = body.String("username", required: true, maxLength: 120);
        if (raw is null) return null;
        var name = Usernames.Normalize(raw);
        if (Usernames.Invalid(name, false) is { } why) { body.Error("username", why); return null; }
        return name;
    }

    private static IReadOnlyList<string> ReadUsernames(JsonBody body, string field)
    {
        var names = new List<string>();
        foreach (var raw in body.StringArray(field, maxItems: 50, maxLength: 120) ?? [])
        {
            var name = Usernames.Normalize(raw);
            if (Usernames.Invalid(name, isOrganization: false) is { } why) body.Error(field, $"'{raw}': {why}");
            else if (!names.Contains(name)) names.Add(name);
        }
        return names;
    }

    private static async Task<IResult> Get(string activityId, IQuerySession session, CancellationToken ct) =>
        await LoadAsync(session, activityId, ct) is { } activity ? TypedResults.Ok(ActivityResponse.From(activity)) : Unknown(activityId);

    private static async Task<IResult> ListForGroup(string groupId, IQuerySession session, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is null) return Problems.UnknownGroup(groupId);
        var activities = await session.Query<Activity>().Where(a => a.Details.GroupIds.Contains(groupId)).ToListAsync(ct);
        return TypedResults.Ok(activities.OrderByDescending(a => a.Details.StartsOn).ThenBy(a => a.Id).Select(ActivityResponse.From).ToList());
    }

    private static async Task<IResult> Change(string activityId, HttpContext http, IDocumentSession session)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var (details, reason) = await ReadDetailsAsync(body, session, http.RequestAborted);
        if (body.Problem() is { } invalid) return invalid;
        return await WriteAsync(session, http, activity.Id, reason, current => Planning.Change(details!, current!));
    }

    private static async Task<IResult> Hold(string activityId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: true);
        if (body is null) return problem!;
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        var today = clock.GetCurrentInstant().InZone(activity.Details.TimeZone).Date;
        return await WriteAsync(session, http, activity.Id, reason, current => Planning.Hold(current!, today));
    }

    private static async Task<IResult> Cancel(string activityId, HttpContext http, IDocumentSession session)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: true);
        if (body is null) return problem!;
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        return await WriteAsync(session, http, activity.Id, reason, current => Planning.Cancel(current!, reason));
    }

    private static async Task<IResult> Report(string activityId, HttpContext http, IDocumentSession session)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var outcomes = new Outcomes(
            body.Int("articlesCreated", max: 1_000_000), body.Int("articlesImproved", max: 1_000_000), body.Int("uploads", max: 10_000_000),
            body.String("notes", maxLength: 2000), Link(body, "reportUrl"), body.String("commonsCategory", maxLength: 255));
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        return await WriteAsync(session, http, activity.Id, reason, current => Planning.Report(outcomes, current!));
    }

    private static async Task<IResult> SignUp(string activityId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var username = ReadUsername(body);
        var signedAt = body.Instant("signedAt");
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        var outcome = await StreamWrites.AppendAsync<Activity>(session, http, activity.Id, reason,
            current => Participating.SignUp(new SignUpForActivity(username!, signedAt), current!, clock.GetCurrentInstant()));
        return outcome.Problem ?? TypedResults.Created($"/activities/{activity.Id}/sign-ups",
            ActivityResponse.From((await session.LoadAsync<Activity>(activity.Id, http.RequestAborted))!));
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

    private static async Task<IResult> Participate(string activityId, HttpContext http, IDocumentSession session)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var username = ReadUsername(body);
        var part = body.Enum<ParticipationPart>("part", required: true);
        var note = body.String("note", maxLength: Participating.MaxNoteLength);
        var on = body.Date("on");
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        var outcome = await StreamWrites.AppendAsync<Activity>(session, http, activity.Id, reason,
            current => Participating.Record(new RecordParticipation(username!, part!.Value, note, on), current!));
        return outcome.Problem ?? TypedResults.Created($"/activities/{activity.Id}",
            ActivityResponse.From((await session.LoadAsync<Activity>(activity.Id, http.RequestAborted))!));
    }

    private static async Task<IResult> Count(string activityId, HttpContext http, IDocumentSession session)
    {
        if (await LoadAsync(session, activityId, http.RequestAborted) is not { } activity) return Unknown(activityId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var count = body.Int("count", required: true, max: 1_000_000);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;
        return await WriteAsync(session, http, activity.Id, reason, current => Participating.Count(count!.Value, current!));
    }

    private static string? Link(JsonBody body, string field)
    {
        var text = body.String(field, maxLength: 500);
        if (text is not null && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            body.Error(field, "must be an http(s) link.");
            return null;
        }
        return text;
    }

    private static async Task<IResult> WriteAsync(IDocumentSession session, HttpContext http, string activityId, string? reason, Func<Activity?, Decision> decide)
    {
        var outcome = await StreamWrites.AppendAsync(session, http, activityId, reason, decide);
        return outcome.Problem ?? TypedResults.Ok(ActivityResponse.From((await session.LoadAsync<Activity>(activityId, http.RequestAborted))!));
    }

    private static async Task<Activity?> LoadAsync(IQuerySession session, string activityId, CancellationToken ct) =>
        Slugs.IsSlug(activityId) ? await session.LoadAsync<Activity>(activityId, ct) : null;

    private static IResult Unknown(string activityId) =>
        Problems.From(LedgerProblem.NotFound("activityId", $"No activity '{activityId}' is recorded."));
}
