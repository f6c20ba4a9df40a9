using MembershipLedger.Api.Database;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Grants;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Groups;
using Npgsql;

namespace MembershipLedger.Api.Grants;

/// <summary>A grant as the API shows it, with its balances now.</summary>
public sealed record GrantResponse(
    string Id, string GroupId, string Grantor, string Program, string Purpose, PartialDate PeriodStart, PartialDate PeriodEnd, string Currency,
    decimal Total, IReadOnlyList<LineBalance> Lines, decimal Budgeted, decimal Spent, decimal Returned, decimal Remaining,
    int ExpenseCount, PartialDate AwardedOn, string? ActivityId, string Status, PartialDate? ClosedOn, string? FinalReportUrl, long Version)
{
    public static GrantResponse From(Grant g) => new(
        g.Id, g.GroupId, g.Grantor, g.Program, g.Purpose, g.PeriodStart, g.PeriodEnd, g.Currency, g.Total,
        g.Lines.Select(l => new LineBalance(l.Key, l.Value.Category, l.Value.Budgeted, l.Value.Spent, l.Value.Remaining, l.Value.Spent > l.Value.Budgeted)).ToList(),
        g.Allocated, g.Spent, g.Returned, g.Remaining, g.ExpenseCount, g.AwardedOn, g.ActivityId, g.IsClosed ? "closed" : "open",
        g.ClosedOn, g.FinalReportUrl, g.Version);
}

public static class GrantEndpoints
{
    public static void MapGrantEndpoints(this IEndpointRouteBuilder app)
    {
        var byGroup = app.MapGroup("/groups/{groupId}/grants").WithTags("Grants");
        byGroup.MapGet("/", ListForGroup).Produces<IReadOnlyList<GrantResponse>>().WithSummary("The group's grants");

        var grants = app.MapGroup("/grants/{grantId}").WithTags("Grants");
        grants.MapGet("/", Get).Produces<GrantResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A grant and its balances");
        grants.MapGet("/spend-trail", SpendTrail).Produces<SpendTrailView>().ProducesValidationProblem()
            .WithSummary("Every budget event and expense in date order, with running totals, per-line balances and flags");
        app.MapGet("/grants/{grantId}/spend-trail.csv", SpendTrailCsv).WithTags("Grants").Produces<string>(contentType: "text/csv")
            .ProducesValidationProblem().WithSummary("The whole spend trail as CSV, for a spreadsheet");
        grants.MapGet("/report", Report).Produces<GrantReport>().ProducesValidationProblem()
            .WithSummary("Budget against actual per line (variance and its percentage) and the funds received reconciled");
        app.MapGet("/grants/{grantId}/report.csv", ReportCsv).WithTags("Grants").Produces<string>(contentType: "text/csv")
            .ProducesValidationProblem().WithSummary("Budget against actual per line as CSV");
    }

    private static async Task<IResult> Report(string grantId, string? asOf, IQuerySession session, Reads db, CancellationToken ct)
    {
        if (await LoadAsync(session, grantId, ct) is not { } grant) return UnknownGrant(grantId);
        if (!TryReadAsOf(asOf, out var date)) return Problems.Invalid("asOf", $"'{asOf}' is not a date such as 2019-09-30 {Moments.Span}.");
        return TypedResults.Ok(await GrantReports.LoadAsync(db, grant, date, ct));
    }

    private static async Task<IResult> ReportCsv(string grantId, string? asOf, HttpContext http, IQuerySession session, Reads db, CancellationToken ct)
    {
        if (await LoadAsync(session, grantId, ct) is not { } grant) return UnknownGrant(grantId);
        if (!TryReadAsOf(asOf, out var date)) return Problems.Invalid("asOf", $"'{asOf}' is not a date such as 2019-09-30 {Moments.Span}.");
        var report = await GrantReports.LoadAsync(db, grant, date, ct);
        var rows = report.Lines.Append(report.Total).Select(l => SpendTrailCsvFormat.ReportRow(l, report.Currency));
        return TypedResults.Text(string.Join("\n", rows.Prepend(SpendTrailCsvFormat.ReportHeader)) + "\n", "text/csv; charset=utf-8");
    }

    private static async Task<IResult> ListForGroup(string groupId, IQuerySession session, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is null) return Problems.UnknownGroup(groupId);
        var grants = await session.Query<Grant>().Where(g => g.GroupId == groupId).OrderBy(g => g.Id).ToListAsync(ct);
        return TypedResults.Ok(grants.Select(GrantResponse.From).ToList());
    }

    private static async Task<IResult> Get(string grantId, IQuerySession session, CancellationToken ct) =>
        await LoadAsync(session, grantId, ct) is { } grant ? TypedResults.Ok(GrantResponse.From(grant)) : UnknownGrant(grantId);

    // Kept and validated (AnswerCache): a trail depends on the ledger and the question only (no asOf: everything recorded).
    private static Task<IResult> SpendTrail(string grantId, string? asOf, string? after, string? limit, IQuerySession session, Reads db,
        HttpContext http, AnswerCache answers, CancellationToken ct) =>
        answers.ServeAsync(http, keep: true, () => SpendTrailAsync(grantId, asOf, after, limit, session, db, ct));

    private static async Task<IResult> SpendTrailAsync(string grantId, string? asOf, string? after, string? limit, IQuerySession session, Reads db, CancellationToken ct)
    {
        if (await LoadAsync(session, grantId, ct) is not { } grant) return UnknownGrant(grantId);
        if (!TryReadAsOf(asOf, out var date)) return Problems.Invalid("asOf", $"'{asOf}' is not a date such as 2019-09-30 {Moments.Span}.");
        if (Paging.Read(after, limit, SpendTrailQuery.MaxPageSize) is not { } page) return Paging.Problem(after, limit, SpendTrailQuery.MaxPageSize);
        return TypedResults.Ok(await SpendTrailQuery.LoadAsync(db, grant, date, page.After, page.Limit, ct));
    }

    /// <summary>A trail's <c>asOf</c>: absent (everything recorded) or a date.</summary>
    private static bool TryReadAsOf(string? asOf, out LocalDate? date)
    {
        date = null;
        if (asOf is null) return true;
        if (!Moments.TryParseDate(asOf, out var parsed)) return false;
        date = parsed;
        return true;
    }

    private static async Task<IResult> SpendTrailCsv(string grantId, string? asOf, HttpContext http, IQuerySession session, Reads db, CancellationToken ct)
    {
        if (await LoadAsync(session, grantId, ct) is not { } grant) return UnknownGrant(grantId);
        if (!TryReadAsOf(asOf, out var date)) return Problems.Invalid("asOf", $"'{asOf}' is not a date such as 2019-09-30 {Moments.Span}.");
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{grant.Id}-spend-trail{(date is { } d ? $"-{d:yyyy-MM-dd}" : "")}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
        await writer.WriteLineAsync(SpendTrailCsvFormat.Header);
        for (long after = 0; ;)
        {
            var page = await SpendTrailQuery.LoadAsync(db, grant, date, after, SpendTrailQuery.MaxPageSize, ct);
            foreach (var entry in page.Entries) await writer.WriteLineAsync(SpendTrailCsvFormat.Row(entry, page.Currency));
            if (page.NextAfter is not { } next) break;
            after = next;
        }
        return TypedResults.Empty;
    }

    private static async Task<Grant?> LoadAsync(IQuerySession session, string grantId, CancellationToken ct) =>
        Slugs.IsSlug(grantId) ? await session.LoadAsync<Grant>(grantId, ct) : null;

    private static IResult UnknownGrant(string grantId) => GrantAnswers.Unknown(grantId);
}

/// <summary>The answers every grant use case gives.</summary>
public static class GrantAnswers
{
    public static IResult Unknown(string grantId) =>
        Problems.From(LedgerProblem.NotFound("grantId", $"No grant '{grantId}' is recorded."));

    public static async Task<GrantResponse> CurrentAsync(IQuerySession session, string grantId, HttpContext http) =>
        GrantResponse.From(await Outcome.LoadWrittenAsync<Grant>(session, grantId, g => g.Version, http));

    public static async Task<IResult> OkAsync(IQuerySession session, string grantId, HttpContext http) =>
        TypedResults.Ok(await CurrentAsync(session, grantId, http));

    /// <summary>
    /// The shape of most grant writes: the grant must exist, the decision is taken with today's date in its group's zone,
    /// and the answer is the grant as the write left it.
    /// </summary>
    public static async Task<IResult> DecideAsync(string grantId, IEventStream<Grant> stream, IDocumentSession session, IClock clock,
        CancellationToken ct, Func<Grant, LocalDate, Decision> decide)
    {
        if (stream.Aggregate is not { } grant) return Unknown(grantId);
        var today = await GroupProfiles.TodayAsync(session, grant.GroupId, clock, ct);
        return Outcome.Append(stream, decide(grant, today), http => OkAsync(session, grant.Id, http));
    }
}
