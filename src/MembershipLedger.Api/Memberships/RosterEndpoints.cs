using MembershipLedger.Api.Database;
using MembershipLedger.Api.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.History;
using MembershipLedger.Memberships.Roster;
using Npgsql;

namespace MembershipLedger.Api.Memberships;

/// <summary>A member as the roster shows them.</summary>
public sealed record RosterMemberResponse(string Username, MemberKind Kind, Instant? JoinedAt, IReadOnlyList<RosterRoleResponse> Roles);

/// <summary>A role in effect at the roster's moment.</summary>
public sealed record RosterRoleResponse(Guid AssignmentId, string Username, RoleKind Role, string? Title, Instant? Since);

/// <summary>
/// The roster of <c>GET /groups/{groupId}/roster</c>. <c>asOf</c> echoes the question (a date or an instant);
/// <c>at</c> is the instant it was answered for (for a date: the end of that day in <c>timeZone</c>).
/// <c>knownAt</c> is null when the question was asked of everything the ledger knows now.
/// <c>count</c> counts the dated members; <c>undated</c> lists apart those whose signature has no time.
/// </summary>
public sealed record RosterResponse(
    string GroupId, string GroupName, string TimeZone, string AsOf, Instant At, Instant? KnownAt, int Count,
    IReadOnlyList<RosterMemberResponse> Members, int UndatedCount, IReadOnlyList<RosterMemberResponse> Undated,
    IReadOnlyList<RosterRoleResponse> Roles);

/// <summary>The answer of <c>GET /groups/{groupId}/roster/compare</c>: the two moments, the roster sizes, and what changed between them.</summary>
public sealed record RosterComparisonResponse(
    string GroupId, string TimeZone, Instant From, Instant To, Instant? KnownAt, int MembersAtFrom, int MembersAtTo,
    IReadOnlyList<RosterMemberResponse> Joined, IReadOnlyList<RosterMemberResponse> Left,
    IReadOnlyList<RosterRoleResponse> RolesBegan, IReadOnlyList<RosterRoleResponse> RolesEnded);

/// <summary>A page of history; pass <c>next</c> as <c>after</c> for the following page (null on the last one).</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Entries, long? Next);

public static class RosterEndpoints
{
    public static void MapRosterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/groups/{groupId}/roster", Roster).WithTags("Roster")
            .Produces<RosterResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Who were the members on a date (asOf), as the ledger knew it at a moment (knownAt)");
        app.MapGet("/groups/{groupId}/history", GroupHistory).WithTags("History")
            .Produces<HistoryPage>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Every membership and profile event of a group, oldest first");
        app.MapGet("/groups/{groupId}/history/{sequence:long}", HistoryEvent).WithTags("History")
            .Produces<HistoryEntry>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One event of a group's history, in its public form");
        app.MapGet("/groups/{groupId}/roster/compare", Compare).WithTags("Roster")
            .Produces<RosterComparisonResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Who joined, who left and which roles began or ended between two dates (from, to)");
        app.MapGet("/groups/{groupId}/members-over-time", MembersOverTime).WithTags("Roster")
            .Produces<IReadOnlyList<MembershipMonth>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Dated members at each month's end since the first sign-up, with joins and departures per month");
        app.MapGet("/people/{username}/history", PersonHistory).WithTags("History")
            .Produces<HistoryPage>().WithSummary("Every membership and role event of a person, across groups");
    }

    // Kept and validated (AnswerCache) when a date is asked: "now" moves with the clock.
    private static Task<IResult> Roster(
        string groupId, string? asOf, string? knownAt, IQuerySession session, Reads db, IClock clock, HttpContext http, AnswerCache answers, CancellationToken ct) =>
        answers.ServeAsync(http, keep: asOf is not null, () => RosterAsync(groupId, asOf, knownAt, session, db, clock, ct));

    private static async Task<IResult> RosterAsync(
        string groupId, string? asOf, string? knownAt, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var zone = group.Profile.TimeZone;
        var now = clock.GetCurrentInstant();
        var errors = new Dictionary<string, string[]>();

        Instant at = now;
        if (asOf is not null && !Moments.TryParseAsOf(asOf, zone, out at))
            errors["asOf"] = [$"'{asOf}' is neither a date (2023-01-01) nor an ISO-8601 instant (2023-01-01T12:00:00Z) {Moments.Span}."];
        var known = ReadKnownAt(knownAt, zone, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var roster = await RosterQuery.LoadAsync(db, group.Id, at, known, ct);
        return TypedResults.Ok(new RosterResponse(
            group.Id, group.Profile.Name, zone.Id, asOf ?? at.ToString(), at, known,
            roster.Members.Count, roster.Members.Select(Member).ToList(),
            roster.Undated.Count, roster.Undated.Select(Member).ToList(),
            roster.Roles.Select(Role).ToList()));
    }

    private static RosterRoleResponse Role(RosterRole r) => new(r.AssignmentId, r.Username, r.Role, r.Title, r.Since);

    private static RosterMemberResponse Member(RosterMember m) => new(m.Username, m.Kind, m.JoinedAt, m.Roles.Select(Role).ToList());

    /// <summary>Reads a <c>knownAt</c> the way every read of the ledger does, naming the field when it is not a moment.</summary>
    public static Instant? ReadKnownAt(string? knownAt, DateTimeZone zone, Dictionary<string, string[]> errors)
    {
        if (knownAt is null) return null;
        if (Moments.TryParseKnownAt(knownAt, zone, out var known)) return known;
        errors["knownAt"] = [$"'{knownAt}' is neither an ISO-8601 instant (2024-01-01T00:00:00Z) nor a date {Moments.Span}."];
        return null;
    }

    /// <summary>Who joined, who left and which roles began or ended between two moments (dates: end of day in the group's zone).</summary>
    private static async Task<IResult> Compare(
        string groupId, string? from, string? to, string? knownAt, IQuerySession session, Reads db, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var zone = group.Profile.TimeZone;
        var errors = new Dictionary<string, string[]>();
        if (!Moments.TryParseAsOf(from, zone, out var fromAt)) errors["from"] = [$"'{from}' is not a date (2022-01-01) or an instant {Moments.Span}."];
        if (!Moments.TryParseAsOf(to, zone, out var toAt)) errors["to"] = [$"'{to}' is not a date (2023-01-01) or an instant {Moments.Span}."];
        var known = ReadKnownAt(knownAt, zone, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var comparison = RosterComparison.Between(
            await RosterQuery.LoadAsync(db, group.Id, fromAt, known, ct), await RosterQuery.LoadAsync(db, group.Id, toAt, known, ct));
        return TypedResults.Ok(new RosterComparisonResponse(group.Id, zone.Id, fromAt, toAt, known,
            comparison.From.Members.Count + comparison.From.Undated.Count, comparison.To.Members.Count + comparison.To.Undated.Count,
            comparison.Joined.Select(Member).ToList(), comparison.Left.Select(Member).ToList(),
            comparison.RolesBegan.Select(Role).ToList(), comparison.RolesEnded.Select(Role).ToList()));
    }

    private static async Task<IResult> MembersOverTime(
        string groupId, string? knownAt, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var errors = new Dictionary<string, string[]>();
        var known = ReadKnownAt(knownAt, group.Profile.TimeZone, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        return TypedResults.Ok(await MembershipFigures.MonthlyAsync(db, group.Id, group.Profile.TimeZone, known ?? clock.GetCurrentInstant(), known, ct));
    }

    private static async Task<IResult> HistoryEvent(string groupId, long sequence, IQuerySession session, Reads db, HttpContext http, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        await Freshness.AwaitAsync(http, db, HistoryProjection.ProjectionName, ct);
        return await HistoryQuery.OneAsync(db, group.Id, sequence, ct) is { } entry
            ? TypedResults.Ok(entry)
            : Problems.From(LedgerProblem.NotFound("sequence", $"No event {sequence} is in the history of '{group.Id}'."));
    }

    private static async Task<IResult> GroupHistory(string groupId, string? after, string? limit, IQuerySession session, Reads db, HttpContext http, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        if (Paging.Read(after, limit) is not { } page) return Paging.Problem(after, limit);
        await Freshness.AwaitAsync(http, db, HistoryProjection.ProjectionName, ct);
        return Page(await HistoryQuery.ForGroupAsync(db, group.Id, page.After, page.Limit, ct), page.Limit);
    }

    private static async Task<IResult> PersonHistory(string username, string? after, string? limit, Reads db, HttpContext http, CancellationToken ct)
    {
        if (Paging.Read(after, limit) is not { } page) return Paging.Problem(after, limit);
        await Freshness.AwaitAsync(http, db, HistoryProjection.ProjectionName, ct);
        return Page(await HistoryQuery.ForPersonAsync(db, Usernames.Normalize(username), page.After, page.Limit, ct), page.Limit);
    }

    private static IResult Page(IReadOnlyList<HistoryEntry> entries, int limit) =>
        TypedResults.Ok(new HistoryPage(entries, entries.Count >= limit ? entries[^1].Sequence : null));
}
