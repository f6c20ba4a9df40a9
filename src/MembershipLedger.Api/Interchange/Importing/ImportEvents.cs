using System.Text;
using Microsoft.AspNetCore.Authorization;
using MembershipLedger.Api.Access;
using MembershipLedger.Interchange;

namespace MembershipLedger.Api.Interchange.Importing;

/// <summary>
/// An NDJSON file of ledger lines, checked whole and appended in one transaction with its projections
/// (<see cref="LedgerImport"/>): an import that fails on one line appends nothing.
/// </summary>
public static class ImportEventsEndpoint
{
    /// <summary>Described as text in the OpenAPI document; any content type is read as UTF-8 text, as curl sends it.</summary>
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts(typeof(string), InterchangeEndpoints.NdJson, "text/plain");

    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/imports/events"), Tags("Interchange"),
     EndpointSummary("Import NDJSON events (?dryRun=true to check only); events already present are skipped by id")]
    [ProducesResponseType<ImportReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(HttpContext http, IDocumentStore store, IClock clock)
    {
        if (!InterchangeEndpoints.TryDryRun(http, out var dryRun, out var problem)) return problem!;
        var tooLarge = $"At most {InterchangeEndpoints.MaxImportBytes / 1024 / 1024} MB over HTTP; import larger files from the command line.";
        if (http.Request.ContentLength > InterchangeEndpoints.MaxImportBytes) return Problems.TooLarge(tooLarge);
        var context = new ImportContext(http.User.Identity!.Name!, "import", clock.GetCurrentInstant(), dryRun, CorrelationId: Recording.CorrelationOf(http));
        using var reader = new StreamReader(new LimitedStream(http.Request.Body, InterchangeEndpoints.MaxImportBytes), new UTF8Encoding(false, throwOnInvalidBytes: true));
        ImportReport report;
        try
        {
            report = await LedgerImport.ImportAsync(store, reader, context, progress: null, http.RequestAborted);
        }
        catch (LimitedStream.TooLongException)
        {
            return Problems.TooLarge(tooLarge);
        }
        catch (DecoderFallbackException)
        {
            return Problems.Invalid("body", "is not UTF-8 text.");
        }
        if (report.Refused)
            return TypedResults.ValidationProblem(
                report.Problems.GroupBy(p => $"line {p.Line}: {p.Field}").ToDictionary(g => g.Key, g => g.Select(p => p.Detail).ToArray()),
                title: "Some lines cannot be imported; nothing was appended",
                detail: $"{report.Problems.Count} line(s) refused, the first on line {report.Problems[0].Line}.",
                extensions: new Dictionary<string, object?> { ["lines"] = report.Problems });
        return TypedResults.Ok(report);
    }
}
