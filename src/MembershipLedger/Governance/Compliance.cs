using System.Text.Json.Serialization;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Governance;

/// <summary>A report a kind of group owes every calendar year of its recognition, due some months after the year ends.</summary>
/// <param name="Kind">The report's kind, as <see cref="ReportSubmitted.Kind"/> names it: activity, financial…</param>
/// <param name="DueMonthsAfterYearEnd">How many months after 31 December the report for that year is due.</param>
public sealed record ReportRule(string Kind, int DueMonthsAfterYearEnd);

/// <summary>
/// The rules of good standing for one kind of group, in force from <paramref name="EffectiveFrom"/> until the next rules
/// for that kind: the minimum members and designated contacts, and the yearly reports owed. A day is judged by the rules of
/// that day, as known at the moment asked.
/// </summary>
public sealed record ComplianceRulesSet(GroupKind Kind, LocalDate EffectiveFrom, int MinimumMembers, int MinimumContacts, IReadOnlyList<ReportRule> Reports);

/// <summary>One criterion of good standing on a day: met or not, and why, in words a reviewer can check.</summary>
public sealed record Criterion(string Name, bool Met, string Why);

/// <summary>Where a group stood on a day, as the ledger knew it at a moment: in good standing when every criterion is met.</summary>
public sealed record ComplianceVerdict(
    string GroupId, LocalDate On, Instant? KnownAt, RecognitionStatus Status, bool InGoodStanding, IReadOnlyList<Criterion> Criteria, ComplianceRulesSet Rules);

/// <summary>What the roster says of a group on the day judged, as known at the moment asked.</summary>
public sealed record RosterFigures(int Members, int Undated, int DesignatedContacts);

public static class ComplianceRules
{
    /// <summary>The stream of rule changes. "ledger" is no group's id.</summary>
    public const string StreamKey = "ledger:compliance-rules";

    /// <summary>
    /// The ledger's rules when none were recorded for a kind: a user group needs three members and two designated contacts
    /// and a yearly activity report (the Affiliations Committee's requirements); chapters and thematic organizations also a
    /// yearly financial report, with six months to file both. Recorded rules replace these from their day on.
    /// </summary>
    public static ComplianceRulesSet Default(GroupKind kind) => kind switch
    {
        GroupKind.Chapter or GroupKind.ThematicOrganization => new(kind, new LocalDate(2001, 1, 15), 10, 2,
            [new ReportRule("activity", 6), new ReportRule("financial", 6)]),
        _ => new(kind, new LocalDate(2001, 1, 15), 3, 2, [new ReportRule("activity", 3)]),
    };

    /// <summary>The rules for <paramref name="kind"/> in force on <paramref name="day"/>, among those given.</summary>
    public static ComplianceRulesSet InForce(GroupKind kind, LocalDate day, IEnumerable<ComplianceRulesSet> recorded) =>
        recorded.Where(r => r.Kind == kind && r.EffectiveFrom <= day).OrderBy(r => r.EffectiveFrom).LastOrDefault() ?? Default(kind);

    public static Decision Set(ComplianceRulesSet rules)
    {
        if (rules.MinimumMembers is < 0 or > 10_000) return LedgerProblem.Field("minimumMembers", "is a count between 0 and 10000.");
        if (rules.MinimumContacts is < 0 or > 100) return LedgerProblem.Field("minimumContacts", "is a count between 0 and 100.");
        for (var i = 0; i < rules.Reports.Count; i++)
        {
            if (!Slugs.IsSlug(rules.Reports[i].Kind) || rules.Reports[i].Kind.Length > 40)
                return LedgerProblem.Field($"reports[{i}].kind", "is the report's kind as a short slug: activity, financial…");
            if (rules.Reports[i].DueMonthsAfterYearEnd is < 0 or > 24)
                return LedgerProblem.Field($"reports[{i}].dueMonthsAfterYearEnd", "is between 0 and 24 months.");
        }
        if (rules.Reports.Select(r => r.Kind).Distinct().Count() != rules.Reports.Count)
            return LedgerProblem.Field("reports", "names a report kind twice.");
        return Decision.Accept(rules);
    }
}

/// <summary>Judges good standing: pure, from the standing, the rules and the roster's figures known at the moment asked.</summary>
public static class Compliance
{
    public static ComplianceVerdict Judge(GroupStanding standing, LocalDate day, Instant? knownAt, ComplianceRulesSet rules, RosterFigures roster)
    {
        var status = standing.StatusOn(day);
        var criteria = new List<Criterion>
        {
            status == RecognitionStatus.Recognized
                ? new("status", true, $"recognized since {standing.RecognizedSince(day):yyyy-MM-dd}")
                : new("status", false, $"{Recognizing.Describe(status)} on {day:yyyy-MM-dd}"),
        };

        var agreement = standing.Agreements.Where(a => a.InForceOn(day)).OrderBy(a => a.EndsOn).LastOrDefault();
        var lapsed = standing.Agreements.Where(a => a.EndsOn < day).OrderBy(a => a.EndsOn).LastOrDefault();
        criteria.Add(agreement is not null
            ? new("agreement", true, $"signed {agreement.SignedOn:yyyy-MM-dd}, in force until {agreement.EndsOn:yyyy-MM-dd}")
            : new("agreement", false, lapsed is not null ? $"the last agreement ended on {lapsed.EndsOn:yyyy-MM-dd}" : "no agreement is recorded in force"));

        foreach (var (kind, year, due) in ReportsDue(standing, day, rules))
        {
            var report = standing.Reports.FirstOrDefault(r => r.Kind == kind && r.PeriodEnd.Year == year && r.SubmittedOn <= day);
            criteria.Add(report is not null
                ? new($"report:{kind}:{year}", true, $"the {kind} report for {year} was submitted on {report.SubmittedOn:yyyy-MM-dd} (due {due:yyyy-MM-dd})")
                : new($"report:{kind}:{year}", false, $"the {kind} report for {year} was due on {due:yyyy-MM-dd} and is not recorded as submitted by {day:yyyy-MM-dd}"));
        }

        criteria.Add(new("members", roster.Members + roster.Undated >= rules.MinimumMembers,
            $"{roster.Members + roster.Undated} members ({roster.Undated} of them undated); the minimum is {rules.MinimumMembers}"));
        criteria.Add(new("designated-contacts", roster.DesignatedContacts >= rules.MinimumContacts,
            $"{roster.DesignatedContacts} designated contacts; the minimum is {rules.MinimumContacts}"));

        return new ComplianceVerdict(standing.GroupId, day, knownAt, status, criteria.All(c => c.Met), criteria, rules);
    }

    /// <summary>
    /// The yearly reports due by <paramref name="day"/>: for each calendar year from the one the group was first recognized in,
    /// each report kind of the rules, due that many months after the year's end.
    /// </summary>
    public static IEnumerable<(string Kind, int Year, LocalDate Due)> ReportsDue(GroupStanding standing, LocalDate day, ComplianceRulesSet rules)
    {
        if (standing.RecognizedSince(day) is not { } since) yield break;
        for (var year = since.Year; year < day.Year; year++)
            foreach (var rule in rules.Reports)
            {
                var due = new LocalDate(year, 12, 31).PlusMonths(rule.DueMonthsAfterYearEnd);
                if (due < day) yield return (rule.Kind, year, due);
            }
    }
}
