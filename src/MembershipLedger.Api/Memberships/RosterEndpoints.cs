using Marten;
using MembershipLedger.Api.Http;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.History;
using MembershipLedger.Memberships.Roster;
using MembershipLedger.Ledger;
using NodaTime;
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
        app.MapGet("/people/{username}/history", PersonHistory).WithTags("History")
            .Produces<HistoryPage>().WithSummary("Every membership and role event of a person, across groups");
    }

    private static async Task<IResult> Roster(
        string groupId, string? asOf, string? knownAt, IQuerySession session, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var zone = group.Profile.TimeZone;
        var now = clock.GetCurrentInstant();
        var errors = new Dictionary<string, string[]>();

        Instant at = now;
        if (asOf is not null && !Moments.TryParseAsOf(asOf, zone, out at))
            errors["asOf"] = [$"'{asOf}' is neither a date (2023-01-01) nor an ISO-8601 instant (2023-01-01T12:00:00Z) {Moments.Span}."];
        Instant? known = null;
        if (knownAt is not null)
        {
            if (Moments.TryParseInstant(knownAt, out var instant)) known = instant;
            else if (Moments.TryParseDate(knownAt, out var date)) known = Moments.EndOfDay(date, zone);
            else errors["knownAt"] = [$"'{knownAt}' is neither an ISO-8601 instant (2024-01-01T00:00:00Z) nor a date."];
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        var roster = await RosterQuery.LoadAsync(db, group.Id, at, known, ct);
        static RosterRoleResponse Role(RosterRole r) => new(r.AssignmentId, r.Username, r.Role, r.Title, r.Since);
        static RosterMemberResponse Member(RosterMember m) => new(m.Username, m.Kind, m.JoinedAt, m.Roles.Select(Role).ToList());
        return TypedResults.Ok(new RosterResponse(
            group.Id, group.Profile.Name, zone.Id, asOf ?? at.ToString(), at, known,
            roster.Members.Count, roster.Members.Select(Member).ToList(),
            roster.Undated.Count, roster.Undated.Select(Member).ToList(),
            roster.Roles.Select(Role).ToList()));
    }

    private static async Task<IResult> GroupHistory(string groupId, string? after, string? limit, IQuerySession session, NpgsqlDataSource db, CancellationToken ct)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        if (Paging.Read(after, limit) is not { } page) return Paging.Problem(after, limit);
        return Page(await HistoryQuery.ForGroupAsync(db, group.Id, page.After, page.Limit, ct), page.Limit);
    }

    private static async Task<IResult> PersonHistory(string username, string? after, string? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Paging.Read(after, limit) is not { } page) return Paging.Problem(after, limit);
        return Page(await HistoryQuery.ForPersonAsync(db, Usernames.Normalize(username), page.After, page.Limit, ct), page.Limit);
    }

    private static IResult Page(IReadOnlyList<HistoryEntry> entries, int limit) =>
        TypedResults.Ok(new HistoryPage(entries, entries.Count >= limit ? entries[^1].Sequence : null));
}
