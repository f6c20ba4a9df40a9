using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Interchange;
using MembershipLedger.Grants;
using MembershipLedger.Grants.FinanceTables;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.Grants.FinanceTables;

/// <summary>
/// A Meta-Wiki "Finances" table pasted as text (wikitext or the rendered table) and read into the grant's budget lines and
/// expenses (<see cref="FinanceTableImport"/>): <c>?dryRun=true</c> shows what it understood, the sums, each stated total
/// that does not match its rows and by how much, and what it could not read; without it, the same is recorded. For a grant
/// not recorded yet, the query names what the table does not say (<c>groupId</c>, <c>grantor</c>, <c>program</c>,
/// <c>periodStart</c>, <c>periodEnd</c>; optionally <c>purpose</c>, <c>awardedOn</c>, <c>currency</c>) and the award is
/// recorded from the table too.
/// </summary>
public static class ImportFinanceTableEndpoint
{
    /// <summary>A finance table is a page's worth of text.</summary>
    public const int MaxTableBytes = 256 * 1024;

    /// <summary>Described as text in the OpenAPI document; any content type is read as UTF-8 text, as curl sends it.</summary>
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts(typeof(string), "text/plain");

    [WolverinePost("/grants/{grantId}/finance-table"), Tags("Grants"),
     EndpointSummary("Read a Meta-Wiki finance table into budget lines and expenses (?dryRun=true shows what would be recorded; ?spentOn= dates its expenses)")]
    [ProducesResponseType<FinanceTableReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string grantId, string? spentOn, string? groupId, string? grantor, string? program, string? purpose,
        string? periodStart, string? periodEnd, string? awardedOn, string? currency, HttpContext http,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, NpgsqlDataSource db, IClock clock)
    {
        if (!InterchangeEndpoints.TryDryRun(http, out var dryRun, out var problem)) return problem!;
        var errors = new FieldErrors();
        PartialDate? Date(string field, string? text, bool required)
        {
            if (text is null)
            {
                if (required) errors.Add(field, "is required to record the award from the table: the table does not say it.");
                return null;
            }
            if (PartialDate.TryParse(text, out var parsed)) return parsed;
            errors.Add(field, $"'{text}' is not a date such as 2019, 2019-09 or 2019-09-30.");
            return null;
        }
        var day = Date("spentOn", spentOn, required: false);
        AwardDetails? award = null;
        if (stream.Aggregate is null)
        {
            // No such grant: its award is recorded from the table, with what the query says of it.
            if (groupId is null) return GrantAnswers.Unknown(grantId);
            if (!Slugs.IsSlug(grantId)) errors.Add("grantId", Slugs.Rule);
            foreach (var (field, value) in new[] { ("grantor", grantor), ("program", program) })
                if (string.IsNullOrWhiteSpace(value)) errors.Add(field, "is required to record the award from the table: the table does not say it.");
            var (start, end, on) = (Date("periodStart", periodStart, true), Date("periodEnd", periodEnd, true), Date("awardedOn", awardedOn, false));
            if (errors.Problem() is { } missing) return missing;
            if (await GroupProfiles.LoadAsync(session, groupId, http.RequestAborted) is null) return Problems.UnknownGroup(groupId);
            if (Access.Permissions.RefuseWrite(http.User, [groupId]) is { } refused) return refused;
            award = new AwardDetails(grantId, groupId, grantor!.Trim(), program!.Trim(), string.IsNullOrWhiteSpace(purpose) ? "As reported in its finance table" : purpose.Trim(),
                start!.Value, end!.Value, on, currency?.Trim());
        }
        if (errors.Problem() is { } bad) return bad;
        var (text, unreadable) = await InterchangeEndpoints.ReadTextAsync(http.Request, MaxTableBytes, "A finance table", "the table's rows or its wikitext");
        if (unreadable is not null) return unreadable;
        var reading = FinanceTable.Read(text!);
        if (reading.Rows.Count == 0)
            return Problems.Invalid("body", $"No row of a finance table could be read ({reading.NotUnderstood.Count} line(s) not understood); paste the table's rows, "
                + "e.g. \"Venue | 4,500 USD | 4,606.75 USD | (106.75 USD)\", or its wikitext.");

        var grant = stream.Aggregate;
        var today = await GroupProfiles.TodayAsync(session, grant?.GroupId ?? award!.GroupId, clock, http.RequestAborted);
        var (report, events) = grant is null
            ? FinanceTableImport.PlanAward(reading, award!, day ?? award!.PeriodEnd, today, dryRun, clock.GetCurrentInstant())
            : FinanceTableImport.Plan(reading, grant, day ?? grant.PeriodEnd, today, dryRun, await RecordedExpensesAsync(db, grant.Id, http.RequestAborted));
        if (dryRun) return TypedResults.Ok(report);
        if (report.Refused)
            return TypedResults.Problem($"{report.Rows.Count(r => r.Problem is not null)} row(s) cannot be recorded; nothing was. {string.Join(" ", report.Rows.Where(r => r.Problem is not null).Select(r => $"Line {r.Line} ({r.Label}): {r.Problem}"))}",
                statusCode: StatusCodes.Status409Conflict, title: "The ledger's rules refuse this table",
                extensions: new Dictionary<string, object?> { ["rule"] = "finance-table-refused", ["report"] = report });
        return Outcome.Append(stream, Decision.Accept([.. events]), _ => Task.FromResult<IResult>(TypedResults.Ok(report)));
    }

    private static async Task<ISet<Guid>> RecordedExpensesAsync(NpgsqlDataSource db, string grantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select expense_id from {LedgerSchema.GrantEntries} where grant_id = $1 and entry_type = 'expense-recorded'");
        command.Parameters.Add(new NpgsqlParameter { Value = grantId });
        var ids = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
