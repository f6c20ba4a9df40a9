using MembershipLedger.Api.Database;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Timelines;
using Npgsql;

namespace MembershipLedger.Api.Timelines;

/// <summary>A page of a timeline.</summary>
/// <param name="NextAfter">Pass as <c>after</c> for the next page; null on the last.</param>
public sealed record TimelinePage(string Subject, IReadOnlyList<TimelineEntry> Entries, long? NextAfter);

public static class TimelineEndpoints
{
    public static void MapTimelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/groups/{groupId}/timeline", ForGroup).WithTags("Timelines").Produces<TimelinePage>().ProducesValidationProblem()
            .WithSummary("The group's profile changes, membership, roles, activities and grants in the order they happened");
        app.MapGet("/people/{username}/timeline", ForPerson).WithTags("Timelines").Produces<TimelinePage>().ProducesValidationProblem()
            .WithSummary("A person's sign-ups, roles and activities across groups");
    }

    private static async Task<IResult> ForGroup(
        string groupId, string? from, string? to, string? kind, string? after, string? limit, IQuerySession session, Reads db, HttpContext http, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var (filter, problem) = ReadFilter(from, to, kind, after, limit);
        if (filter is null) return problem!;
        await Freshness.AwaitAsync(http, db, TimelineProjection.ProjectionName, ct);
        var entries = await TimelineQuery.ForGroupAsync(db, group.Id, filter, ct);
        return TypedResults.Ok(Page(group.Id, entries, filter));
    }

    private static async Task<IResult> ForPerson(
        string username, string? from, string? to, string? kind, string? after, string? limit, Reads db, HttpContext http, CancellationToken ct)
    {
        var name = Usernames.Normalize(username);
        if (Usernames.Invalid(name, isOrganization: true) is { } why) return Problems.Invalid("username", why);
        var (filter, problem) = ReadFilter(from, to, kind, after, limit);
        if (filter is null) return problem!;
        await Freshness.AwaitAsync(http, db, TimelineProjection.ProjectionName, ct);
        return TypedResults.Ok(Page(name, await TimelineQuery.ForPersonAsync(db, name, filter, ct), filter));
    }

    private static TimelinePage Page(string subject, IReadOnlyList<TimelineEntry> entries, TimelineFilter filter) =>
        new(subject, entries, entries.Count == filter.Limit ? entries[^1].Position : null);

    /// <summary>The filter the query string asks for, or the 400 naming the first parameter that is wrong.</summary>
    private static (TimelineFilter? Filter, IResult? Problem) ReadFilter(string? from, string? to, string? kind, string? after, string? limit)
    {
        if (Paging.Read(after, limit) is not { } page) return (null, Paging.Problem(after, limit));
        NodaTime.LocalDate? fromDate = null, toDate = null;
        if (from is not null)
        {
            if (!Moments.TryParseDate(from, out var d)) return (null, Problems.Invalid("from", $"'{from}' is not a date such as 2019-01-01 {Moments.Span}."));
            fromDate = d;
        }
        if (to is not null)
        {
            if (!Moments.TryParseDate(to, out var d)) return (null, Problems.Invalid("to", $"'{to}' is not a date such as 2019-12-31 {Moments.Span}."));
            toDate = d;
        }
        if (fromDate > toDate) return (null, Problems.Invalid("to", "The period ends before it starts."));
        var kinds = kind?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (kinds?.Except(TimelineQuery.Categories).ToList() is { Count: > 0 } unknown)
            return (null, Problems.Invalid("kind", $"'{string.Join(",", unknown)}' is not one of: {string.Join(", ", TimelineQuery.Categories)}."));
        return (new TimelineFilter(fromDate, toDate, kinds, page.After, page.Limit), null);
    }
}
