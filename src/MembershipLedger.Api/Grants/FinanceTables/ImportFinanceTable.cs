using System.Text;
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
/// that does not match its rows and by how much, and what it could not read; without it, the same is recorded.
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
    public static async Task<IResult> Post(string grantId, string? spentOn, HttpContext http,
        [WriteAggregate("grantId", Required = false)] IEventStream<Grant> stream, IDocumentSession session, NpgsqlDataSource db, IClock clock)
    {
        if (!InterchangeEndpoints.TryDryRun(http, out var dryRun, out var problem)) return problem!;
        if (stream.Aggregate is not { } grant) return GrantAnswers.Unknown(grantId);
        PartialDate? day = null;
        if (spentOn is not null)
        {
            if (!PartialDate.TryParse(spentOn, out var parsed)) return Problems.Invalid("spentOn", $"'{spentOn}' is not a date such as 2019, 2019-09 or 2019-09-30.");
            day = parsed;
        }
        string text;
        try
        {
            text = await InterchangeEndpoints.ReadTextAsync(http.Request, MaxTableBytes);
        }
        catch (LimitedStream.TooLongException)
        {
            return Problems.TooLarge($"A finance table is at most {MaxTableBytes / 1024} KB.");
        }
        catch (DecoderFallbackException)
        {
            return Problems.Invalid("body", "is not UTF-8 text.");
        }
        var reading = FinanceTable.Read(text);
        if (reading.Rows.Count == 0)
            return Problems.Invalid("body", $"No row of a finance table could be read ({reading.NotUnderstood.Count} line(s) not understood); paste the table's rows, "
                + "e.g. \"Venue | 4,500 USD | 4,606.75 USD | (106.75 USD)\", or its wikitext.");

        var recorded = await RecordedExpensesAsync(db, grant.Id, http.RequestAborted);
        var today = await GroupProfiles.TodayAsync(session, grant.GroupId, clock, http.RequestAborted);
        var (report, events) = FinanceTableImport.Plan(reading, grant, day ?? grant.PeriodEnd, today, dryRun, recorded);
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
