using MembershipLedger.Api.Groups;
using System.Text;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Interchange;
using MembershipLedger.Memberships.SignatureLists;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.Interchange;

/// <summary>NDJSON export and import of events, and the Meta-Wiki signature list importer.</summary>
public static class InterchangeEndpoints
{
    public const string NdJson = "application/x-ndjson";

    /// <summary>An NDJSON body over HTTP; larger files go through the command line, which streams them from disk.</summary>
    public const long MaxImportBytes = 64L * 1024 * 1024;


    public static void MapInterchangeEndpoints(this WebApplication app)
    {
        app.MapGet("/export", (HttpContext http, NpgsqlDataSource db) => Export(http, db, new ExportScope.Everything(), "ledger"))
            .RequireAuthorization(Policies.PersonalData)
            .WithSummary("Every event of the ledger as NDJSON, in the order they were appended").Produces(200, contentType: NdJson);
        app.MapGet("/groups/{groupId}/export", async (string groupId, HttpContext http, NpgsqlDataSource db, IQuerySession session) =>
                await GroupProfiles.LoadAsync(session, groupId, http.RequestAborted) is null
                    ? Problems.UnknownGroup(groupId)
                    : Export(http, db, new ExportScope.Group(groupId), groupId))
            .RequireAuthorization(Policies.PersonalData)
            .WithSummary("A group's events as NDJSON: its own, its members', and those of its activities and grants").Produces(200, contentType: NdJson);
        app.MapGet("/people/{username}/export", (string username, HttpContext http, NpgsqlDataSource db) =>
                Usernames.Invalid(Usernames.Normalize(username), false) is { } invalid
                    ? Problems.Invalid("username", invalid)
                    : Export(http, db, new ExportScope.Person(Usernames.Normalize(username)), "person"))
            .RequireAuthorization(Policies.PersonalData)
            .WithSummary("A person's events as NDJSON: their memberships and roles in every group, their activity sign-ups and participation").Produces(200, contentType: NdJson);
    }

    private static IResult Export(HttpContext http, NpgsqlDataSource db, ExportScope scope, string name) =>
        Results.Stream(async output => await LedgerExport.ExportAsync(db, scope, output, http.RequestAborted), NdJson,
            fileDownloadName: $"{name}.ndjson");

    /// <summary>The <c>dryRun</c> query parameter: absent (false), true or false.</summary>
    public static bool TryDryRun(HttpContext http, out bool dryRun, out IResult? problem)
    {
        problem = null;
        dryRun = false;
        var text = http.Request.Query["dryRun"].ToString();
        if (text.Length == 0 || bool.TryParse(text, out dryRun)) return true;
        problem = Problems.Invalid("dryRun", $"'{text}' is neither true nor false.");
        return false;
    }

    /// <summary>
    /// A text body of at most <paramref name="maxBytes"/>, which must be UTF-8 and not empty; or the problem to answer
    /// (413 naming the limit, 400 naming the body). <paramref name="what"/> says what the text is: "A signature list".
    /// </summary>
    public static async Task<(string? Text, IResult? Problem)> ReadTextAsync(HttpRequest request, int maxBytes, string what, string example)
    {
        try
        {
            using var reader = new StreamReader(new LimitedStream(request.Body, maxBytes), new UTF8Encoding(false, throwOnInvalidBytes: true));
            var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            return string.IsNullOrWhiteSpace(text) ? (null, Problems.Invalid("body", $"is empty: paste {example}.")) : (text, null);
        }
        catch (LimitedStream.TooLongException)
        {
            return (null, Problems.TooLarge($"{what} is at most {maxBytes / 1024} KB."));
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.Invalid("body", "is not UTF-8 text."));
        }
    }
}
