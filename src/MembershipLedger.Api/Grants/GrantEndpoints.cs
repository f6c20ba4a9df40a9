using Marten;
using MembershipLedger.Api.Http;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Grants;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Api.Grants;

/// <summary>The body of <c>POST /groups/{groupId}/grants</c>. Amounts are decimals in <paramref name="Currency"/>.</summary>
/// <param name="Lines">Budget lines, e.g. <c>[{"id": "accommodation", "category": "Accommodation", "amount": 400}]</c>.</param>
public sealed record GrantRequest(
    string Id, string Grantor, string Program, string Purpose, string PeriodStart, string PeriodEnd, string Currency, decimal Total,
    BudgetLineRequest[]? Lines, string? AwardedOn, string? ActivityId, string? Reason);

public sealed record BudgetLineRequest(string Id, string Category, decimal Amount);

/// <summary>The body of <c>PUT /grants/{grantId}/lines/{lineId}</c>: adds the line, or revises it.</summary>
public sealed record BudgetLineRevision(string? Category, decimal Amount, string? RevisedOn, string? Reason);

/// <summary>The body of <c>POST /grants/{grantId}/expenses</c>.</summary>
/// <param name="Currency">The currency it was paid in.</param>
/// <param name="ExchangeRate">Grant currency per 1 unit of <paramref name="Currency"/>; required when they differ.</param>
public sealed record ExpenseRequest(
    string LineId, decimal Amount, string Currency, decimal? ExchangeRate, string SpentOn, string Payee, string Description, string? Receipt, string? Reason);

public sealed record ReversalRequest(string Reason, string? ReversedOn);

public sealed record ReturnRequest(decimal Amount, string? ReturnedOn, string? Reference, string? Reason);

public sealed record ClosureRequest(string? ClosedOn, string? FinalReportUrl, string? Reason);

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

/// <summary>What an expense write recorded.</summary>
public sealed record ExpenseResponse(Guid ExpenseId, string GrantId, string LineId, decimal Amount, string Currency, decimal? ExchangeRate,
    decimal AmountInGrantCurrency, string GrantCurrency, PartialDate SpentOn, decimal LineRemaining, decimal GrantRemaining, long Version);

public static class GrantEndpoints
{
    public const int MaxLines = 50;

    public static void MapGrantEndpoints(this IEndpointRouteBuilder app)
    {
        var byGroup = app.MapGroup("/groups/{groupId}/grants").WithTags("Grants");
        byGroup.MapPost("/", Award).Accepts<GrantRequest>("application/json")
            .Produces<GrantResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record a grant awarded to the group, with its budget lines");
        byGroup.MapGet("/", ListForGroup).Produces<IReadOnlyList<GrantResponse>>().WithSummary("The group's grants");

        var grants = app.MapGroup("/grants/{grantId}").WithTags("Grants");
        grants.MapGet("/", Get).Produces<GrantResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A grant and its balances");
        grants.MapPut("/lines/{lineId}", ReviseLine).Accepts<BudgetLineRevision>("application/json")
            .Produces<GrantResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Add a budget line, or revise one (each revision is kept)");
        grants.MapPost("/expenses", RecordExpense).Accepts<ExpenseRequest>("application/json")
            .Produces<ExpenseResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record an expense against a budget line");
        grants.MapPost("/expenses/{expenseId}/reversal", Reverse).Accepts<ReversalRequest>("application/json")
            .Produces<GrantResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Reverse an expense recorded in error (a reason is required)");
        grants.MapPost("/returns", Return).Accepts<ReturnRequest>("application/json")
            .Produces<GrantResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record unspent funds returned to the grantor");
        grants.MapPost("/closure", Close).Accepts<ClosureRequest>("application/json")
            .Produces<GrantResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Close the grant with its final report; nothing more is spent on it");
        grants.MapGet("/spend-trail", SpendTrail).Produces<SpendTrailView>().ProducesValidationProblem()
            .WithSummary("Every budget event and expense in date order, with running totals, per-line balances and flags");
        app.MapGet("/grants/{grantId}/spend-trail.csv", SpendTrailCsv).WithTags("Grants").Produces<string>(contentType: "text/csv")
            .ProducesValidationProblem().WithSummary("The whole spend trail as CSV, for a spreadsheet");
    }

    private static async Task<IResult> Award(string groupId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var id = body.String("id", required: true, maxLength: 64);
        if (id is not null && !Slugs.IsSlug(id)) body.Error("id", Slugs.Rule);
        var grantor = body.String("grantor", required: true);
        var program = body.String("program", required: true);
        var purpose = body.String("purpose", required: true, maxLength: 500);
        var periodStart = body.PartialDate("periodStart", required: true);
        var periodEnd = body.PartialDate("periodEnd", required: true);
        var currency = body.String("currency", required: true, maxLength: 3);
        var total = body.Decimal("total", required: true);
        var lines = body.ObjectArray("lines", (item, path) => ReadLine(body.Item(item, path)), maxItems: MaxLines) ?? [];
        var awardedOn = body.PartialDate("awardedOn") ?? Today(clock, group);
        var activityId = body.String("activityId", maxLength: 64);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var command = new AwardGrant(id!, group.Id, grantor!, program!, purpose!, periodStart!.Value, periodEnd!.Value, currency!, total!.Value,
            lines, awardedOn, activityId);
        var outcome = await StreamWrites.AppendAsync<Grant>(session, http, id!, reason, existing => Budgeting.Award(command, existing));
        if (outcome.Problem is { } refused) return refused;
        var grant = await session.LoadAsync<Grant>(id!, http.RequestAborted);
        return TypedResults.Created($"/grants/{id}", GrantResponse.From(grant!));
    }

    private static BudgetLine? ReadLine(JsonBody item)
    {
        var id = item.String("id", required: true, maxLength: 64);
        if (id is not null && !Slugs.IsSlug(id)) item.Error("id", Slugs.Rule);
        var category = item.String("category", required: true);
        var amount = item.Decimal("amount", required: true);
        item.RefuseUnknownFields();
        return id is null || category is null || amount is null ? null : new BudgetLine(id, category, amount.Value);
    }

    private static async Task<IResult> ListForGroup(string groupId, IQuerySession session, CancellationToken ct)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, ct) is null) return Problems.UnknownGroup(groupId);
        var grants = await session.Query<Grant>().Where(g => g.GroupId == groupId).OrderBy(g => g.Id).ToListAsync(ct);
        return TypedResults.Ok(grants.Select(GrantResponse.From).ToList());
    }

    private static async Task<IResult> Get(string grantId, IQuerySession session, CancellationToken ct) =>
        await LoadAsync(session, grantId, ct) is { } grant ? TypedResults.Ok(GrantResponse.From(grant)) : UnknownGrant(grantId);

    private static async Task<IResult> ReviseLine(string grantId, string lineId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadWithGroupAsync(session, grantId, http.RequestAborted) is not ({ } grant, { } group)) return UnknownGrant(grantId);
        if (!Slugs.IsSlug(lineId)) return Problems.Invalid("lineId", Slugs.Rule);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var category = body.String("category");
        var amount = body.Decimal("amount", required: true);
        var revisedOn = body.Date("revisedOn") ?? Today(clock, group);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        return await WriteAsync(session, http, grant.Id, reason,
            current => Budgeting.Revise(new ReviseBudget(lineId, category, amount!.Value, revisedOn), current!));
    }

    private static async Task<IResult> RecordExpense(string grantId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadWithGroupAsync(session, grantId, http.RequestAborted) is not ({ } grant, { } group)) return UnknownGrant(grantId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var lineId = body.String("lineId", required: true, maxLength: 64);
        var amount = body.Decimal("amount", required: true);
        var currency = body.String("currency", required: true, maxLength: 3);
        var rate = body.Decimal("exchangeRate");
        var spentOn = body.PartialDate("spentOn", required: true);
        var payee = body.String("payee", required: true);
        var description = body.String("description", required: true, maxLength: 500);
        var receipt = body.String("receipt");
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var command = new RecordExpense(Guid.NewGuid(), lineId!, amount!.Value, currency!, rate, spentOn!.Value, payee!, description!, receipt);
        var today = Today(clock, group);
        var outcome = await StreamWrites.AppendAsync<Grant>(session, http, grant.Id, reason, current => Spending.Record(command, current!, today));
        if (outcome.Problem is { } refused) return refused;
        var recorded = (ExpenseRecorded)outcome.Events.Single();
        var after = await session.LoadAsync<Grant>(grant.Id, http.RequestAborted);
        return TypedResults.Created($"/grants/{grant.Id}/expenses/{recorded.ExpenseId}", new ExpenseResponse(
            recorded.ExpenseId, grant.Id, recorded.LineId, recorded.Amount, recorded.Currency, recorded.ExchangeRate, recorded.AmountInGrantCurrency,
            grant.Currency, recorded.SpentOn, after!.Lines[recorded.LineId].Remaining, after.Remaining, outcome.Version));
    }

    private static async Task<IResult> Reverse(string grantId, string expenseId, HttpContext http, IDocumentSession session, NpgsqlDataSource db, IClock clock)
    {
        if (await LoadWithGroupAsync(session, grantId, http.RequestAborted) is not ({ } grant, { } group)) return UnknownGrant(grantId);
        if (!Guid.TryParse(expenseId, out var id)) return Problems.From(LedgerProblem.NotFound("expenseId", $"'{expenseId}' is not an expense id."));
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var reason = body.String("reason", maxLength: 500);
        var reversedOn = body.Date("reversedOn") ?? Today(clock, group);
        if (body.Problem() is { } invalid) return invalid;

        var expense = await SpendTrailQuery.FindExpenseAsync(db, grant.Id, id, http.RequestAborted);
        return await WriteAsync(session, http, grant.Id, reason,
            current => Spending.Reverse(new ReverseExpense(id, reversedOn, reason), current!, expense));
    }

    private static async Task<IResult> Return(string grantId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadWithGroupAsync(session, grantId, http.RequestAborted) is not ({ } grant, { } group)) return UnknownGrant(grantId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var amount = body.Decimal("amount", required: true);
        var returnedOn = body.Date("returnedOn") ?? Today(clock, group);
        var reference = body.String("reference");
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        return await WriteAsync(session, http, grant.Id, reason,
            current => Spending.Return(new ReturnFunds(amount!.Value, returnedOn, reference), current!, Today(clock, group)));
    }

    private static async Task<IResult> Close(string grantId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await LoadWithGroupAsync(session, grantId, http.RequestAborted) is not ({ } grant, { } group)) return UnknownGrant(grantId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: true);
        if (body is null) return problem!;
        var closedOn = body.PartialDate("closedOn") ?? Today(clock, group);
        var report = body.String("finalReportUrl", maxLength: 500);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        return await WriteAsync(session, http, grant.Id, reason, current => Spending.Close(new CloseGrant(closedOn, report), current!, Today(clock, group)));
    }

    private static async Task<IResult> SpendTrail(string grantId, string? asOf, string? after, string? limit, IQuerySession session, NpgsqlDataSource db, CancellationToken ct)
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

    private static async Task<IResult> SpendTrailCsv(string grantId, string? asOf, HttpContext http, IQuerySession session, NpgsqlDataSource db, CancellationToken ct)
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

    private static async Task<IResult> WriteAsync(IDocumentSession session, HttpContext http, string grantId, string? reason, Func<Grant?, Decision> decide)
    {
        var outcome = await StreamWrites.AppendAsync(session, http, grantId, reason, decide);
        if (outcome.Problem is { } refused) return refused;
        return TypedResults.Ok(GrantResponse.From((await session.LoadAsync<Grant>(grantId, http.RequestAborted))!));
    }

    private static async Task<Grant?> LoadAsync(IQuerySession session, string grantId, CancellationToken ct) =>
        Slugs.IsSlug(grantId) ? await session.LoadAsync<Grant>(grantId, ct) : null;

    private static async Task<(Grant, GroupProfile)?> LoadWithGroupAsync(IQuerySession session, string grantId, CancellationToken ct) =>
        await LoadAsync(session, grantId, ct) is { } grant && await session.LoadAsync<GroupProfile>(grant.GroupId, ct) is { } group
            ? (grant, group)
            : null;

    /// <summary>Dates a user leaves out mean today, in the group's zone.</summary>
    private static LocalDate Today(IClock clock, GroupProfile group) => clock.GetCurrentInstant().InZone(group.Profile.TimeZone).Date;

    private static IResult UnknownGrant(string grantId) =>
        Problems.From(LedgerProblem.NotFound("grantId", $"No grant '{grantId}' is recorded."));
}
