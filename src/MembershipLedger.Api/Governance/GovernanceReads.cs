using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Database;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Governance;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.Roster;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.Governance;

/// <summary>A row of the compliance directory: where one group stood on the day, and the criteria it did not meet.</summary>
public sealed record DirectoryRow(string GroupId, string Name, string CountryCode, GroupKind Kind, RecognitionStatus Status, bool InGoodStanding,
    IReadOnlyList<Criterion> Unmet);

/// <summary>The compliance directory of <c>GET /governance/compliance</c>: every group judged on one day, as known at a moment.</summary>
public sealed record ComplianceDirectory(LocalDate On, Instant? KnownAt, int Groups, int InGoodStanding, IReadOnlyList<DirectoryRow> Rows);

/// <summary>The growth of <c>GET /governance/growth</c>: each group's series, and their total.</summary>
public sealed record GrowthResponse(GrowthPeriod Period, LocalDate Until, Instant? KnownAt, IReadOnlyList<GroupGrowth> Groups, IReadOnlyList<GrowthPoint> Total);

/// <summary>The rules of <c>GET /governance/rules</c>: those in force on the day per kind, and every rule change recorded.</summary>
public sealed record RulesResponse(LocalDate On, IReadOnlyList<ComplianceRulesSet> InForce, IReadOnlyList<ComplianceRulesSet> Recorded);

/// <summary>The answer of <c>POST /statements/verify</c>: the signature and times checked, and the ledger's word on revocation.</summary>
public sealed record VerificationResponse(bool Valid, string Why, StatementClaims? Claims, StatementStatus? Status);

public static class GovernanceReads
{
    public static void MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/groups/{groupId}/recognition", Recognition).WithTags("Governance").Produces<StandingResponse>().ProducesProblem(404)
            .WithSummary("A group's recognition: status, steps, agreements and reports (knownAt: as the ledger knew it then)");
        app.MapGet("/groups/{groupId}/compliance", GroupCompliance).WithTags("Governance").Produces<ComplianceVerdict>().ProducesValidationProblem().ProducesProblem(404)
            .WithSummary("Was the group in good standing on a day (on), as known at a moment (knownAt): each criterion and why");
        app.MapGet("/governance/compliance", Directory).WithTags("Governance").Produces<ComplianceDirectory>().ProducesValidationProblem()
            .WithSummary("Every group judged on a day, as known at a moment; those out of compliance first, with the reasons");
        app.MapGet("/governance/rules", Rules).WithTags("Governance").Produces<RulesResponse>().ProducesValidationProblem()
            .WithSummary("The compliance rules in force on a day for each kind of group, and every change to them");
        app.MapGet("/governance/growth", GrowthJson).WithTags("Governance").Produces<GrowthResponse>().ProducesValidationProblem()
            .WithSummary("Members at each period's end, joins and leaves, per group and in total (filter by country, kind or group)");
        app.MapGet("/governance/growth.csv", GrowthCsv).WithTags("Governance").Produces<string>(contentType: "text/csv").ProducesValidationProblem()
            .WithSummary("The same growth as CSV, a row per group and period");
        app.MapGet("/groups/{groupId}/annual-report", AnnualReportJson).WithTags("Governance").Produces<AnnualReportDraft>().ProducesValidationProblem().ProducesProblem(404)
            .WithSummary("A draft of the group's annual report for a year (or from/to), each figure with its source");
        app.MapGet("/groups/{groupId}/annual-report.wiki", AnnualReportWiki).WithTags("Governance").Produces<string>(contentType: "text/plain")
            .WithSummary("The draft as wikitext, to paste into a Meta-Wiki page and edit");
        app.MapGet("/groups/{groupId}/annual-report.md", AnnualReportMarkdown).WithTags("Governance").Produces<string>(contentType: "text/markdown")
            .WithSummary("The draft as Markdown");
        app.MapGet("/groups/{groupId}/annual-report.html", AnnualReportHtml).WithTags("Governance").Produces<string>(contentType: "text/html")
            .WithSummary("The draft as HTML");
        app.MapGet("/capacities", Capacities).WithTags("Capacities").Produces<IReadOnlyList<CapacityResponse>>().ProducesValidationProblem()
            .WithSummary("Find people by language, skill, tag, country or group: those who published theirs, and everyone for those who may see personal data");
        app.MapGet("/.well-known/jwks.json", Keys).WithTags("Governance").Produces<JsonObject>()
            .WithSummary("The ledger's public keys (JWKS): what verifies an affiliation statement offline");
        app.MapGet("/statements/{statementId}", Statement).WithTags("Governance").Produces<StatementStatus>().ProducesProblem(404)
            .WithSummary("Whether a statement still holds: valid, expired or revoked");
        app.MapPost("/statements/verify", Verify).WithTags("Governance").Accepts<string>("text/plain").Produces<VerificationResponse>().ProducesValidationProblem()
            .WithSummary("Check a statement's token: its signature, its expiry, and whether it was revoked");
    }

    private static async Task<IResult> Recognition(string groupId, string? knownAt, IQuerySession session, IClock clock, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var errors = new Dictionary<string, string[]>();
        var known = RosterEndpoints.ReadKnownAt(knownAt, group.Profile.TimeZone, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var standing = await StandingAsync(session, group.Id, known, ct);
        return TypedResults.Ok(StandingResponse.From(standing!, GroupProfiles.Today(group, clock)));
    }

    private static async Task<IResult> GroupCompliance(string groupId, string? on, string? knownAt, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var errors = new Dictionary<string, string[]>();
        var day = Day(on, "on", GroupProfiles.Today(group, clock), errors);
        var known = RosterEndpoints.ReadKnownAt(knownAt, group.Profile.TimeZone, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        return TypedResults.Ok(await VerdictAsync(session, db, group, day, known, await RulesKnownAsync(session, known, ct), ct));
    }

    private static async Task<IResult> Directory(string? on, string? knownAt, string? country, string? kind, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (directory, problem) = await DirectoryAsync(on, knownAt, country, kind, session, db, clock, ct);
        return problem ?? TypedResults.Ok(directory);
    }

    public static async Task<(ComplianceDirectory?, IResult?)> DirectoryAsync(string? on, string? knownAt, string? country, string? kind,
        IQuerySession session, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var day = Day(on, "on", clock.GetCurrentInstant().InUtc().Date, errors);
        var known = RosterEndpoints.ReadKnownAt(knownAt, DateTimeZone.Utc, errors);
        var groups = await GroupsAsync(session, country, kind, null, errors, ct);
        if (errors.Count > 0) return (null, Problems.Invalid(errors));
        var rules = await RulesKnownAsync(session, known, ct);
        var rows = new List<DirectoryRow>();
        foreach (var group in groups)
        {
            var verdict = await VerdictAsync(session, db, group, day, known, rules, ct);
            rows.Add(new DirectoryRow(group.Id, group.Profile.Name, group.Profile.CountryCode, group.Profile.Kind, verdict.Status, verdict.InGoodStanding,
                verdict.Criteria.Where(c => !c.Met).ToList()));
        }
        return (new ComplianceDirectory(day, known, rows.Count, rows.Count(r => r.InGoodStanding),
            rows.OrderBy(r => r.InGoodStanding).ThenBy(r => r.GroupId, StringComparer.Ordinal).ToList()), null);
    }

    private static async Task<IResult> Rules(string? on, IQuerySession session, IClock clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var day = Day(on, "on", clock.GetCurrentInstant().InUtc().Date, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var recorded = await RulesKnownAsync(session, null, ct);
        return TypedResults.Ok(new RulesResponse(day, Enum.GetValues<GroupKind>().Select(k => ComplianceRules.InForce(k, day, recorded)).ToList(), recorded));
    }

    private static async Task<IResult> GrowthJson(string? period, string? country, string? kind, string? group, string? until, string? knownAt,
        IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (growth, problem) = await GrowthAsync(period, country, kind, group, until, knownAt, session, db, clock, ct);
        return problem ?? TypedResults.Ok(growth);
    }

    private static async Task<IResult> GrowthCsv(string? period, string? country, string? kind, string? group, string? until, string? knownAt,
        IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (growth, problem) = await GrowthAsync(period, country, kind, group, until, knownAt, session, db, clock, ct);
        if (problem is not null) return problem;
        var csv = new StringBuilder("group,name,country,kind,period,last_day,joined,left,members_at_end\n");
        foreach (var g in growth!.Groups)
            foreach (var p in g.Points)
                csv.Append($"{g.GroupId},{Csv(g.Name)},{g.CountryCode},{g.Kind},{p.Period},{p.LastDay:yyyy-MM-dd},{p.Joined},{p.Left},{p.MembersAtEnd}\n");
        foreach (var p in growth.Total)
            csv.Append($"all,{Csv("All groups shown")},,,{p.Period},{p.LastDay:yyyy-MM-dd},{p.Joined},{p.Left},{p.MembersAtEnd}\n");
        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    public static async Task<(GrowthResponse?, IResult?)> GrowthAsync(string? period, string? country, string? kind, string? group, string? until, string? knownAt,
        IQuerySession session, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var length = GrowthPeriod.Month;
        if (period is not null && !WireNames<GrowthPeriod>.TryParse(period, out length)) errors["period"] = ["is month, quarter or year."];
        var last = Day(until, "until", clock.GetCurrentInstant().InUtc().Date, errors);
        var known = RosterEndpoints.ReadKnownAt(knownAt, DateTimeZone.Utc, errors);
        var groups = await GroupsAsync(session, country, kind, group, errors, ct);
        if (errors.Count > 0) return (null, Problems.Invalid(errors));
        var series = await Growth.ForGroupsAsync(db, groups.Select(g => new GrowthSubject(g.Id, g.Profile.Name, g.Profile.CountryCode, Json.Kind(g.Profile.Kind), g.Profile.TimeZone)).ToList(),
            length, last, known, ct);
        return (new GrowthResponse(length, last, known, series, Growth.Total(series)), null);
    }

    private static async Task<IResult> AnnualReportJson(string groupId, string? year, string? from, string? to, HttpContext http, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (draft, problem) = await DraftAsync(groupId, year, from, to, Origin(http), session, db, clock, ct);
        return problem ?? TypedResults.Ok(draft);
    }

    private static async Task<IResult> AnnualReportWiki(string groupId, string? year, string? from, string? to, HttpContext http, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (draft, problem) = await DraftAsync(groupId, year, from, to, Origin(http), session, db, clock, ct);
        return problem ?? TypedResults.Text(draft!.Wikitext(), "text/plain; charset=utf-8");
    }

    private static async Task<IResult> AnnualReportMarkdown(string groupId, string? year, string? from, string? to, HttpContext http, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (draft, problem) = await DraftAsync(groupId, year, from, to, Origin(http), session, db, clock, ct);
        return problem ?? TypedResults.Text(draft!.Markdown(), "text/markdown; charset=utf-8");
    }

    private static async Task<IResult> AnnualReportHtml(string groupId, string? year, string? from, string? to, HttpContext http, IQuerySession session, Reads db, IClock clock, CancellationToken ct)
    {
        var (draft, problem) = await DraftAsync(groupId, year, from, to, Origin(http), session, db, clock, ct);
        return problem ?? TypedResults.Text($"<!doctype html><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(draft!.GroupName)}</title>\n{draft.Html()}", "text/html; charset=utf-8");
    }

    /// <summary>This ledger's address as the request reached it, so a draft's sources are links a Meta-Wiki page can hold.</summary>
    public static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    public static async Task<(AnnualReportDraft?, IResult?)> DraftAsync(string groupId, string? year, string? from, string? to, string origin, IQuerySession session,
        NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return (null, Problems.UnknownGroup(groupId));
        var errors = new Dictionary<string, string[]>();
        var today = GroupProfiles.Today(group, clock);
        LocalDate first, last;
        if (year is not null)
        {
            if (!int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y < 2001 || y > today.Year) errors["year"] = [$"is a year from 2001 to {today.Year}."];
            (first, last) = errors.Count > 0 ? (today, today) : (new LocalDate(y, 1, 1), new LocalDate(y, 12, 31));
        }
        else
        {
            first = Day(from, "from", new LocalDate(today.Year - 1, 1, 1), errors);
            last = Day(to, "to", new LocalDate(today.Year - 1, 12, 31), errors);
            if (errors.Count == 0 && last < first) errors["to"] = ["is before from."];
        }
        if (errors.Count > 0) return (null, Problems.Invalid(errors));
        var standing = await StandingAsync(session, group.Id, null, ct);
        return (await AnnualReports.DraftAsync(session, db, group, standing, first, last, origin, ct), null);
    }

    private static async Task<IResult> Capacities(string? language, string? skill, string? tag, string? country, string? group, string? mentor,
        HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var (found, errors) = await FindCapacitiesAsync(language, skill, tag, country, group, mentor, http.User, session, ct);
        return errors.Count > 0 ? Problems.Invalid(errors) : TypedResults.Ok(found);
    }

    /// <summary>
    /// The directory's search, for the API and the page alike. Personal data: published declarations for everyone; the
    /// others only for those who may see the group's personal data (admins, auditors, the group's organizers).
    /// </summary>
    public static async Task<(IReadOnlyList<CapacityResponse>, Dictionary<string, string[]>)> FindCapacitiesAsync(string? language, string? skill, string? tag,
        string? country, string? group, string? mentor, System.Security.Claims.ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (skill is not null && !DeclaringCapacities.Vocabulary.Contains(skill)) errors["skill"] = [$"is one of {string.Join(", ", DeclaringCapacities.Vocabulary)}."];
        if (mentor is not null and not ("true" or "false")) errors["mentor"] = ["is true or false."];
        if (language is { Length: > 20 }) errors["language"] = ["is a language code such as tg."];
        if (tag is { Length: > 40 }) errors["tag"] = ["is at most 40 characters."];
        if (group is { Length: > 100 }) errors["group"] = ["is a group's id."];
        var inCountry = country is null ? null : (await GroupsAsync(session, country, null, null, errors, ct)).Select(g => g.Id).ToHashSet();
        if (errors.Count > 0) return ([], errors);

        var query = session.Query<CapacityProfile>().AsQueryable();
        if (language is not null) { var code = language.ToLowerInvariant(); query = query.Where(c => c.LanguageCodes.Contains(code)); }
        if (skill is not null) query = query.Where(c => c.Skills.Contains(skill));
        if (tag is not null) { var t = tag.ToLowerInvariant(); query = query.Where(c => c.Tags.Contains(t)); }
        if (mentor == "true") query = query.Where(c => c.WouldMentor);
        if (group is not null) query = query.Where(c => c.GroupId == group);
        var found = await query.OrderBy(c => c.Username).Take(500).ToListAsync(ct);
        if (inCountry is not null) found = found.Where(c => inCountry.Contains(c.GroupId)).ToList();
        return ([.. found.Where(c => c.Published || Permissions.SeesPersonalData(user, c.GroupId)).Select(CapacityResponse.From)], errors);
    }

    private static async Task<IResult> Keys(IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(new JsonObject { ["keys"] = new JsonArray([.. (await StatementKeys.PublicKeysAsync(session, ct)).Select(k => (JsonNode)Statements.Jwk(k.Value, k.Key))]) });

    private static async Task<IResult> Statement(string statementId, IQuerySession session, IClock clock, CancellationToken ct) =>
        Guid.TryParse(statementId, out var id) && await session.LoadAsync<StatementRecord>(id, ct) is { } record
            ? TypedResults.Ok(StatementStatus.Of(record, clock.GetCurrentInstant()))
            : Problems.From(LedgerProblem.NotFound("statementId", $"The ledger issued no statement '{statementId}'."));

    private static async Task<IResult> Verify(HttpRequest request, IQuerySession session, IClock clock, CancellationToken ct)
    {
        var (text, problem) = await Interchange.InterchangeEndpoints.ReadTextAsync(request, 16 * 1024, "A statement", "the token: three base64url parts separated by dots");
        if (problem is not null) return problem;
        var now = clock.GetCurrentInstant();
        var check = Statements.Check(text!, await StatementKeys.PublicKeysAsync(session, ct), now);
        if (check.Malformed) return Problems.Invalid("body", $"The text {check.Problem} Paste the statement's token as it was issued.");
        if (!check.SignatureValid || check.Claims is null) return TypedResults.Ok(new VerificationResponse(false, $"The token {check.Problem}", check.Claims, null));
        var status = await session.LoadAsync<StatementRecord>(check.Claims.StatementId, ct) is { } record ? StatementStatus.Of(record, now) : null;
        var (valid, why) = (check.Problem, status?.Status) switch
        {
            (not null, _) => (false, $"The token {check.Problem}"),
            (_, "revoked") => (false, $"The statement was revoked at {status!.RevokedAt}."),
            (_, null) => (false, "The signature is the ledger's, but the ledger has no record of this statement."),
            _ => (true, $"Signed by this ledger; {check.Claims.Username} {(check.Claims.Role is { } r ? $"held the role {Json.Kind(r).Replace('-', ' ')}" : "was a member")} in {check.Claims.GroupName} on {check.Claims.AsOf:yyyy-MM-dd}; valid until {check.Claims.ExpiresAt}."),
        };
        return TypedResults.Ok(new VerificationResponse(valid, why, check.Claims, status));
    }

    /// <summary>Judges one group on one day, as known at a moment, by the rules of that day.</summary>
    public static async Task<ComplianceVerdict> VerdictAsync(IQuerySession session, NpgsqlDataSource db, GroupProfile group, LocalDate day, Instant? known,
        IReadOnlyList<ComplianceRulesSet> rules, CancellationToken ct)
    {
        var standing = await StandingAsync(session, group.Id, known, ct) ?? new GroupStanding(group.Id, group.Profile.Kind, [], [], []);
        var roster = await RosterQuery.LoadAsync(db, group.Id, Moments.EndOfDay(day, group.Profile.TimeZone), known, ct);
        var figures = new RosterFigures(roster.Members.Count, roster.Undated.Count,
            roster.Roles.Where(r => r.Role == RoleKind.DesignatedContact).Select(r => r.Username).Distinct().Count());
        return Compliance.Judge(standing, day, known, ComplianceRules.InForce(standing.Kind, day, rules), figures);
    }

    /// <summary>The group's standing from its events recorded by <paramref name="known"/> (all of them when null).</summary>
    public static async Task<GroupStanding?> StandingAsync(IQuerySession session, string groupId, Instant? known, CancellationToken ct) =>
        await session.Events.AggregateStreamAsync<GroupStanding>(groupId, timestamp: known?.ToDateTimeOffset(), token: ct);

    /// <summary>The rule changes recorded by <paramref name="known"/> (all of them when null).</summary>
    public static async Task<IReadOnlyList<ComplianceRulesSet>> RulesKnownAsync(IQuerySession session, Instant? known, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(ComplianceRules.StreamKey, timestamp: known?.ToDateTimeOffset(), token: ct))
            .Select(e => e.Data).OfType<ComplianceRulesSet>().ToList();

    private static async Task<IReadOnlyList<GroupProfile>> GroupsAsync(IQuerySession session, string? country, string? kind, string? group,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (country is not null && !CountryCodes.IsAssigned(country.ToUpperInvariant())) errors["country"] = [$"'{country}' is not an ISO 3166-1 alpha-2 code."];
        var kindValue = default(GroupKind);
        if (kind is not null && !WireNames<GroupKind>.TryParse(kind, out kindValue)) errors["kind"] = [$"is one of {string.Join(", ", WireNames<GroupKind>.All)}."];
        var all = await session.Query<GroupProfile>().OrderBy(g => g.Id).ToListAsync(ct);
        var ids = group?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (ids is not null && ids.FirstOrDefault(id => all.All(g => g.Id != id)) is { } unknown) errors["group"] = [$"'{unknown}' is not a registered group."];
        return all.Where(g => (country is null || g.Profile.CountryCode == country.ToUpperInvariant()) && (kind is null || g.Profile.Kind == kindValue)
                              && (ids is null || ids.Contains(g.Id))).ToList();
    }

    private static LocalDate Day(string? text, string field, LocalDate otherwise, Dictionary<string, string[]> errors)
    {
        if (text is null) return otherwise;
        if (Moments.TryParseDate(text, out var day)) return day;
        errors[field] = [$"'{text}' is not a date (2023-07-01) {Moments.Span}."];
        return otherwise;
    }

    private static string Csv(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
