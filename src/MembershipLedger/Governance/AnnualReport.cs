using System.Globalization;
using System.Net;
using System.Text;
using Marten;
using MembershipLedger.Activities;
using MembershipLedger.Grants;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.Roster;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Governance;

/// <summary>A figure of the draft and where a reader checks it: the ledger page or API read that shows the events behind it.</summary>
public sealed record Traced(string Text, string Source);

/// <summary>A grant's year: what was awarded, spent and left by the period's end.</summary>
public sealed record GrantYear(string GrantId, string Program, string Purpose, string Currency, decimal Awarded, decimal Spent, decimal Remaining, string Source);

/// <summary>An activity of the period, with what came of it.</summary>
public sealed record ActivityYear(string ActivityId, string Title, string Kind, string When, string Status, int Participants, Outcomes? Outcomes, string Source);

/// <summary>
/// A draft of a group's annual report for a period (a calendar year, or its own reporting period): members at the start
/// and the end, joins and leaves, roles held, activities and grants, each figure with the read that shows its events.
/// </summary>
public sealed partial record AnnualReportDraft(
    string GroupId, string GroupName, string TimeZone, LocalDate From, LocalDate To, int MembersAtStart, int MembersAtEnd,
    IReadOnlyList<string> Joined, IReadOnlyList<string> Left, IReadOnlyList<RoleSpan> Roles, IReadOnlyList<ActivityYear> Activities,
    IReadOnlyList<GrantYear> Grants, RecognitionStatus StatusAtEnd, IReadOnlyList<Traced> Sources)
{
    // The draft once, as lines of a kind (title, note, heading, item) whose text marks bold {b:…}, a user {u:…} and a Commons
    // category {c:…}; each format renders the same lines, so wikitext, Markdown and HTML say the same thing.
    private IEnumerable<(string Kind, string Text)> Lines()
    {
        yield return ("title", $"{GroupName}: report for {From:yyyy-MM-dd} to {To:yyyy-MM-dd}");
        yield return ("note", "A draft from the membership ledger: check each figure against the source listed at the end, then edit.");
        yield return ("heading", "Members");
        yield return ("item", $"Members at the start of the period: {{b:{MembersAtStart}}}; at its end ({To:yyyy-MM-dd}): {{b:{MembersAtEnd}}}.");
        yield return ("item", $"Joined during the period: {Joined.Count}{(Joined.Count > 0 ? " (" + string.Join(", ", Joined.Select(j => $"{{u:{j}}}")) + ")" : "")}.");
        yield return ("item", $"Left during the period: {Left.Count}{(Left.Count > 0 ? " (" + string.Join(", ", Left.Select(l => $"{{u:{l}}}")) + ")" : "")}.");
        yield return ("heading", "Roles");
        if (Roles.Count == 0) yield return ("item", "No role was recorded in the period.");
        foreach (var role in Roles)
            yield return ("item", $"{{u:{role.Username}}}: {Json.Kind(role.Role).Replace('-', ' ')}{(role.Title is { } t ? $" ({t})" : "")}{Span(role)}.");
        yield return ("heading", "Activities");
        if (Activities.Count == 0) yield return ("item", "No activity was recorded in the period.");
        foreach (var a in Activities)
            yield return ("item", $"{{b:{a.Title}}} ({a.Kind.Replace('-', ' ')}, {a.When}): {a.Status}{(a.Participants > 0 ? $", {a.Participants} participants" : "")}{OutcomeText(a.Outcomes)}.");
        yield return ("heading", "Grants");
        if (Grants.Count == 0) yield return ("item", "No grant ran in the period.");
        foreach (var g in Grants)
            yield return ("item", $"{g.Program}: {g.Purpose}. Awarded {Money(g.Awarded, g.Currency)}; spent {Money(g.Spent, g.Currency)} by {To:yyyy-MM-dd}; {Money(g.Remaining, g.Currency)} remaining.");
        yield return ("heading", "Sources");
        foreach (var source in Sources) yield return ("item", $"{source.Text}: {{l:{source.Source}}}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(?<kind>[bucl]):(?<text>[^{}]*)\}")]
    private static partial System.Text.RegularExpressions.Regex Mark();

    private static string Inline(string text, Func<char, string, string> mark) =>
        Mark().Replace(text, m => mark(m.Groups["kind"].Value[0], m.Groups["text"].Value));

    private static string MetaUser(string name) => $"https://meta.wikimedia.org/wiki/User:{Uri.EscapeDataString(name.Replace(' ', '_'))}";

    private static string CommonsCategory(string name) => $"https://commons.wikimedia.org/wiki/Category:{Uri.EscapeDataString(name.Replace(' ', '_'))}";

    /// <summary>The draft as wikitext, to paste into a Meta-Wiki page.</summary>
    public string Wikitext() => Render(
        (kind, text) => kind switch { "title" => $"== {text} ==\n", "note" => $"''{text}''", "heading" => $"\n=== {text} ===", _ => $"* {text}" },
        (mark, text) => mark switch { 'b' => $"'''{text}'''", 'u' => $"[[User:{text}|{text}]]", 'l' => text, _ => $"[[commons:Category:{text}|{text}]]" });

    /// <summary>The draft as Markdown.</summary>
    public string Markdown() => Render(
        (kind, text) => kind switch { "title" => $"# {text}\n", "note" => $"*{text}*", "heading" => $"\n## {text}\n", _ => $"- {text}" },
        (mark, text) => mark switch { 'b' => $"**{text}**", 'u' => $"[{text}]({MetaUser(text)})", 'l' => $"<{text}>", _ => $"[{text}]({CommonsCategory(text)})" });

    /// <summary>The draft as HTML: headings, a list per section, bold and links; every text encoded.</summary>
    public string Html()
    {
        var html = new StringBuilder();
        var inList = false;
        foreach (var (kind, text) in Lines())
        {
            var encoded = Inline(WebUtility.HtmlEncode(text), (mark, t) => mark switch
            {
                'b' => $"<strong>{t}</strong>",
                'u' => $"<a href=\"{WebUtility.HtmlEncode(MetaUser(WebUtility.HtmlDecode(t)))}\">{t}</a>",
                'l' => $"<a href=\"{t}\">{t}</a>",
                _ => $"<a href=\"{WebUtility.HtmlEncode(CommonsCategory(WebUtility.HtmlDecode(t)))}\">{t}</a>",
            });
            if (kind == "item")
            {
                if (!inList) { html.AppendLine("<ul>"); inList = true; }
                html.AppendLine($"<li>{encoded}</li>");
                continue;
            }
            if (inList) { html.AppendLine("</ul>"); inList = false; }
            html.AppendLine(kind switch { "title" => $"<h2>{encoded}</h2>", "note" => $"<p><em>{encoded}</em></p>", _ => $"<h3>{encoded}</h3>" });
        }
        if (inList) html.AppendLine("</ul>");
        return html.ToString();
    }

    private string Render(Func<string, string, string> line, Func<char, string, string> mark) =>
        string.Join("\n", Lines().Select(l => line(l.Kind, Inline(l.Text, mark)))) + "\n";

    private string Span(RoleSpan role)
    {
        // Days in the group's zone, as everywhere the ledger shows a group's dates.
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone) ?? DateTimeZone.Utc;
        var from = role.From is { } f ? f.InZone(zone).Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
        var to = role.To is { } t ? t.InZone(zone).Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
        return (from, to) switch
        {
            (null, null) => ", held through the period",
            (_, null) => $", since {from}",
            (null, _) => $", until {to}",
            _ => $", {from} to {to}",
        };
    }

    private static string OutcomeText(Outcomes? o)
    {
        if (o is null) return "";
        var parts = new List<string>();
        if (o.ArticlesCreated is { } created) parts.Add($"{created} articles created");
        if (o.ArticlesImproved is { } improved) parts.Add($"{improved} improved");
        if (o.Uploads is { } uploads) parts.Add($"{uploads} uploads");
        if (o.CommonsCategory is { } category) parts.Add($"photos in {{c:{category}}}");
        if (o.ReportUrl is { } url) parts.Add($"report: {url}");
        return parts.Count == 0 ? "" : "; " + string.Join(", ", parts);
    }

    private static string Money(decimal amount, string currency) => $"{amount.ToString("#,0.##", CultureInfo.InvariantCulture)} {currency}";
}

public static class AnnualReports
{
    /// <summary>Drafts the report from the ledger as it knows it now: the roster's tables, the activities, the grants' trails.</summary>
    public static async Task<AnnualReportDraft> DraftAsync(
        IQuerySession session, NpgsqlDataSource db, GroupProfile group, GroupStanding? standing, LocalDate from, LocalDate to, string origin, CancellationToken ct)
    {
        var zone = group.Profile.TimeZone;
        Instant EndOf(LocalDate day) => zone.AtStartOfDay(day.PlusDays(1)).ToInstant() - Duration.FromTicks(10);
        var start = await RosterQuery.LoadAsync(db, group.Id, EndOf(from.PlusDays(-1)), null, ct);
        var end = await RosterQuery.LoadAsync(db, group.Id, EndOf(to), null, ct);
        var change = RosterComparison.Between(start, end);

        var (periodStart, periodEnd) = (zone.AtStartOfDay(from).ToInstant(), EndOf(to));
        var roles = (await MembershipFigures.RolesAsync(db, group.Id, ct))
            .Where(r => (r.From is null || r.From <= periodEnd) && (r.To is null || r.To >= periodStart)).ToList();

        var activities = (await session.Query<Activity>().Where(a => a.Details.GroupIds.Contains(group.Id)).ToListAsync(ct))
            .Where(a => a.Details.StartsOn.FirstDay <= to && a.Details.EndsOn.LastDay >= from)
            .OrderBy(a => a.Details.StartsOn)
            .Select(a => new ActivityYear(a.Id, a.Details.Title, Json.Kind(a.Details.Kind), a.Details.StartsOn.ToString(), Json.Kind(a.Status),
                a.ParticipantCount, a.Outcomes, $"{origin}/activities/{a.Id}"))
            .ToList();

        var grants = new List<GrantYear>();
        foreach (var grant in (await session.Query<Grant>().Where(g => g.GroupId == group.Id).ToListAsync(ct))
                     .Where(g => g.PeriodStart.FirstDay <= to && g.PeriodEnd.LastDay >= from).OrderBy(g => g.AwardedOn))
        {
            var report = await GrantReports.LoadAsync(db, grant, to, ct);
            grants.Add(new GrantYear(grant.Id, grant.Program, grant.Purpose, grant.Currency, report.Awarded, report.Total.Spent, report.Remaining,
                $"{origin}/grants/{grant.Id}/spend-trail?asOf={to:yyyy-MM-dd}"));
        }

        var sources = new List<Traced>
        {
            new($"Members on {from:yyyy-MM-dd} ({start.Members.Count + start.Undated.Count})", $"{origin}/groups/{group.Id}/roster?asOf={from.PlusDays(-1):yyyy-MM-dd}"),
            new($"Members on {to:yyyy-MM-dd} ({end.Members.Count + end.Undated.Count})", $"{origin}/groups/{group.Id}/roster?asOf={to:yyyy-MM-dd}"),
            new($"Joined and left ({change.Joined.Count}, {change.Left.Count}), by name", $"{origin}/groups/{group.Id}/roster/compare?from={from.PlusDays(-1):yyyy-MM-dd}&to={to:yyyy-MM-dd}"),
            new("Roles, with the events that began and ended them", $"{origin}/groups/{group.Id}/history"),
        };
        sources.AddRange(activities.Select(a => new Traced($"Activity '{a.Title}'", a.Source)));
        sources.AddRange(grants.Select(g => new Traced($"Grant {g.GrantId}: the spend trail behind every amount", g.Source)));
        if (standing is not null) sources.Add(new Traced("Recognition, agreements and reports", $"{origin}/groups/{group.Id}/recognition"));

        return new AnnualReportDraft(group.Id, group.Profile.Name, zone.Id, from, to, start.Members.Count + start.Undated.Count, end.Members.Count + end.Undated.Count,
            change.Joined.Select(m => m.Username).ToList(), change.Left.Select(m => m.Username).ToList(), roles, activities, grants,
            standing?.StatusOn(to) ?? RecognitionStatus.NotApplied, sources);
    }
}
