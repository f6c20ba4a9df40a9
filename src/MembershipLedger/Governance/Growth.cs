using System.Text.Json.Serialization;
using MembershipLedger.Memberships.Roster;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Governance;

/// <summary>The length of the periods growth is counted in.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GrowthPeriod>))]
public enum GrowthPeriod
{
    [JsonStringEnumMemberName("month")] Month,
    [JsonStringEnumMemberName("quarter")] Quarter,
    [JsonStringEnumMemberName("year")] Year,
}

/// <summary>One period of growth: joins and leaves in it, and the dated members at its last day's end.</summary>
/// <param name="Period">Its name: 2023-04, 2023-Q2 or 2023.</param>
public sealed record GrowthPoint(string Period, LocalDate LastDay, int Joined, int Left, int MembersAtEnd);

/// <summary>A group's growth, period by period.</summary>
public sealed record GroupGrowth(string GroupId, string Name, string CountryCode, string Kind, IReadOnlyList<GrowthPoint> Points);

/// <summary>A group to count, with the zone its months are read in.</summary>
public sealed record GrowthSubject(string GroupId, string Name, string CountryCode, string Kind, DateTimeZone Zone);

/// <summary>
/// Growth from the roster's bitemporal table, never by replaying streams: one query counts the dated sign-ups and departures
/// of every group asked, per month in each group's own zone (as known now, or at a moment: <see cref="MembershipFigures.MonthlyCountsAsync"/>),
/// and the running counts are folded here. Undated members are not placed in time, as on the roster's chart.
/// </summary>
public static class Growth
{
    public static async Task<IReadOnlyList<GroupGrowth>> ForGroupsAsync(
        NpgsqlDataSource db, IReadOnlyList<GrowthSubject> groups, GrowthPeriod period, LocalDate until, Instant? knownAt, CancellationToken ct)
    {
        if (groups.Count == 0) return [];
        var counts = await MembershipFigures.MonthlyCountsAsync(db, [.. groups.Select(g => (g.GroupId, g.Zone))], knownAt, ct);
        var joined = counts.ToDictionary(c => c.Key, c => c.Value.Joined);
        var left = counts.ToDictionary(c => c.Key, c => c.Value.Left);
        // Every group's series starts at the earliest month of any of them, so that they add up period by period.
        var first = joined.Values.SelectMany(j => j.Keys).DefaultIfEmpty(until.ToYearMonth()).Min();
        return groups.Select(g =>
        {
            var start = new Dictionary<YearMonth, int>(joined[g.GroupId]);
            start.TryAdd(first, 0);
            return new GroupGrowth(g.GroupId, g.Name, g.CountryCode, g.Kind, Roll(MembershipFigures.Months(start, left[g.GroupId], until), period));
        }).ToList();
    }

    /// <summary>Months rolled into longer periods: joins and leaves added up, the members at the period's last month's end.</summary>
    public static IReadOnlyList<GrowthPoint> Roll(IReadOnlyList<MembershipMonth> months, GrowthPeriod period) =>
        months.GroupBy(m => Name(m.Month, period))
            .Select(p => new GrowthPoint(p.Key, p.Last().Month.OnDayOfMonth(1).PlusMonths(1).PlusDays(-1), p.Sum(m => m.Joined), p.Sum(m => m.Left), p.Last().MembersAtEnd))
            .ToList();

    /// <summary>Groups' series added up, period by period (they share their periods by construction).</summary>
    public static IReadOnlyList<GrowthPoint> Total(IReadOnlyList<GroupGrowth> groups) =>
        groups.SelectMany(g => g.Points).GroupBy(p => (p.Period, p.LastDay)).OrderBy(p => p.Key.LastDay)
            .Select(p => new GrowthPoint(p.Key.Period, p.Key.LastDay, p.Sum(x => x.Joined), p.Sum(x => x.Left), p.Sum(x => x.MembersAtEnd)))
            .ToList();

    private static string Name(YearMonth month, GrowthPeriod period) => period switch
    {
        GrowthPeriod.Year => $"{month.Year}",
        GrowthPeriod.Quarter => $"{month.Year}-Q{(month.Month - 1) / 3 + 1}",
        _ => $"{month.Year}-{month.Month:00}",
    };
}
