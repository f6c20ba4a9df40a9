using MembershipLedger.Api.Groups;
using System.Text;
using Marten;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Http;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Interchange;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships.SignatureLists;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Api.Interchange;

/// <summary>NDJSON export and import of events, and the Meta-Wiki signature list importer.</summary>
public static class InterchangeEndpoints
{
    public const string NdJson = "application/x-ndjson";

    /// <summary>An NDJSON body over HTTP; larger files go through the command line, which streams them from disk.</summary>
    public const long MaxImportBytes = 64L * 1024 * 1024;

    /// <summary>A signature list is a page's worth of text.</summary>
    public const int MaxSignatureListBytes = 1024 * 1024;

    public static void MapInterchangeEndpoints(this WebApplication app)
    {
        app.MapGet("/export", (HttpContext http, NpgsqlDataSource db) =>
                Permissions.RefusePersonalRead(http, groupId: null) ?? Export(http, db, new ExportScope.Everything(), "ledger"))
            .WithSummary("Every event of the ledger as NDJSON, in the order they were appended").Produces(200, contentType: NdJson);
        app.MapGet("/groups/{groupId}/export", async (string groupId, HttpContext http, NpgsqlDataSource db, IQuerySession session) =>
                await GroupProfiles.LoadAsync(session, groupId, http.RequestAborted) is null
                    ? Problems.UnknownGroup(groupId)
                    : Permissions.RefusePersonalRead(http, groupId) ?? Export(http, db, new ExportScope.Group(groupId), groupId))
            .WithSummary("A group's events as NDJSON: its own, its members', and those of its activities and grants").Produces(200, contentType: NdJson);
        app.MapGet("/people/{username}/export", (string username, HttpContext http, NpgsqlDataSource db) =>
                Usernames.Invalid(Usernames.Normalize(username), false) is { } invalid
                    ? Problems.Invalid("username", invalid)
                    : Permissions.RefusePersonalRead(http, groupId: null) ?? Export(http, db, new ExportScope.Person(Usernames.Normalize(username)), "person"))
            .WithSummary("A person's events as NDJSON: their memberships and roles in every group, their activity sign-ups and participation").Produces(200, contentType: NdJson);
        app.MapPost("/imports/events", ImportEvents)
            .WithSummary("Import NDJSON events (?dryRun=true to check only); events already present are skipped by id")
            .Accepts<string>(NdJson, "text/plain");
        app.MapPost("/groups/{groupId}/imports/signatures", ImportSignatures)
            .WithSummary("Import a Meta-Wiki signature list as sign-ups (?dryRun=true shows what would be appended)")
            .Accepts<string>("text/plain");
    }

    private static IResult Export(HttpContext http, NpgsqlDataSource db, ExportScope scope, string name) =>
        Results.Stream(async output => await LedgerExport.ExportAsync(db, scope, output, http.RequestAborted), NdJson,
            fileDownloadName: $"{name}.ndjson");

    private static bool TryDryRun(HttpContext http, out bool dryRun, out IResult? problem)
    {
        problem = null;
        dryRun = false;
        var text = http.Request.Query["dryRun"].ToString();
        if (text.Length == 0 || bool.TryParse(text, out dryRun)) return true;
        problem = Problems.Invalid("dryRun", $"'{text}' is neither true nor false.");
        return false;
    }

    private static async Task<IResult> ImportEvents(HttpContext http, IDocumentStore store, IClock clock)
    {
        if (Permissions.RefuseUnlessAdmin(http) is { } notAdmin) return notAdmin;
        if (!TryDryRun(http, out var dryRun, out var problem)) return problem!;
        if (http.Request.ContentLength > MaxImportBytes)
            return Problems.TooLarge($"At most {MaxImportBytes / 1024 / 1024} MB over HTTP; import larger files from the command line.");
        var context = new ImportContext(http.User.Identity!.Name!, "import", clock.GetCurrentInstant(), dryRun, CorrelationId: Recording.CorrelationOf(http));
        using var reader = new StreamReader(new LimitedStream(http.Request.Body, MaxImportBytes), new UTF8Encoding(false, throwOnInvalidBytes: true));
        ImportReport report;
        try
        {
            report = await LedgerImport.ImportAsync(store, reader, context, progress: null, http.RequestAborted);
        }
        catch (LimitedStream.TooLongException)
        {
            return Problems.TooLarge($"At most {MaxImportBytes / 1024 / 1024} MB over HTTP; import larger files from the command line.");
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

    private static async Task<IResult> ImportSignatures(string groupId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (!TryDryRun(http, out var dryRun, out var problem)) return problem!;
        if (await GroupProfiles.LoadAsync(session, groupId, http.RequestAborted) is null) return Problems.UnknownGroup(groupId);
        if (Permissions.RefuseWrite(http, groupId) is { } notYours) return notYours;
        string text;
        try
        {
            text = await ReadTextAsync(http.Request, MaxSignatureListBytes);
        }
        catch (LimitedStream.TooLongException)
        {
            return Problems.TooLarge($"A signature list is at most {MaxSignatureListBytes / 1024} KB.");
        }
        catch (DecoderFallbackException)
        {
            return Problems.Invalid("body", "is not UTF-8 text.");
        }
        if (string.IsNullOrWhiteSpace(text)) return Problems.Invalid("body", "is empty: paste the list's lines, one signature a line.");

        var reading = SignatureList.Read(text);
        if (reading.Signatures.Count == 0 && reading.Repeats.Count == 0)
            return Problems.Invalid("body", $"No signature could be read from the list ({reading.Unread.Count} line(s) not understood); "
                + "paste its lines as the page shows them, e.g. \"--Farorud (talk) 11:13, 9 December 2022 (UTC)\".");
        Recording.Stamp(session, http, http.Request.Query["reason"].ToString() is { Length: > 0 and <= 500 } reason ? reason : null);
        session.SetHeader(EventMetadata.Source, "import");
        var report = await SignatureImport.ImportAsync(session, groupId, reading, dryRun, clock.GetCurrentInstant(), http.RequestAborted);
        return TypedResults.Ok(report);
    }

    private static async Task<string> ReadTextAsync(HttpRequest request, int maxBytes)
    {
        using var reader = new StreamReader(new LimitedStream(request.Body, maxBytes), new UTF8Encoding(false, throwOnInvalidBytes: true));
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
