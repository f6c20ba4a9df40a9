using MembershipLedger.Api.Access;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Interchange;
using MembershipLedger.Memberships.SignatureLists;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Memberships.SignatureImports;

/// <summary>A Meta-Wiki "Interested in participating" list pasted as text, read into sign-ups (<see cref="SignatureImport"/>).</summary>
public static class ImportSignatureListEndpoint
{
    /// <summary>A signature list is a page's worth of text.</summary>
    public const int MaxSignatureListBytes = 1024 * 1024;

    /// <summary>Described as text in the OpenAPI document; any content type is read as UTF-8 text, as curl sends it.</summary>
    public static void Configure(HttpChain chain) => chain.Metadata.Accepts(typeof(string), "text/plain");

    /// <param name="zone">The IANA zone (Europe/Warsaw) a line's time is read in when the line names none; the group's when not given.</param>
    /// <param name="language">The wiki's language (pl, it, sr…): month names that mean different months in different languages are read in it.</param>
    [WolverinePost("/groups/{groupId}/imports/signatures"), Tags("Interchange"),
     EndpointSummary("Import a Meta-Wiki signature list as sign-ups (?dryRun=true shows what would be appended)")]
    [ProducesResponseType<SignatureImportReport>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string groupId, string? language, string? zone, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (!InterchangeEndpoints.TryDryRun(http, out var dryRun, out var problem)) return problem!;
        if (language is not null && !SignatureList.IsKnownLanguage(language))
            return Problems.Invalid("language", $"'{language}' is not a language code whose month names the importer knows, such as pl, it or sr.");
        var given = zone is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone.Trim());
        if (zone is not null && given is null)
            return Problems.Invalid("zone", $"'{zone}' is not an IANA time zone such as Europe/Warsaw or UTC.");
        if (await GroupProfiles.LoadAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (text, unreadable) = await InterchangeEndpoints.ReadTextAsync(http.Request, MaxSignatureListBytes, "A signature list", "the list's lines, one signature a line");
        if (unreadable is not null) return unreadable;
        var reading = SignatureList.Read(text!, language, given ?? group.Profile.TimeZone);
        if (reading.Signatures.Count == 0 && reading.Repeats.Count == 0 && reading.Anonymous.Count == 0 && reading.Bots.Count == 0)
            return Problems.Invalid("body", $"No signature could be read from the list ({reading.Unread.Count} line(s) not understood); "
                + "paste its lines as the page shows them, e.g. \"--Farorud (talk) 11:13, 9 December 2022 (UTC)\".");
        Recording.Stamp(session, http, http.Request.Query["reason"].ToString() is { Length: > 0 and <= 500 } reason ? reason : null);
        session.SetHeader(EventMetadata.Source, "import");
        return TypedResults.Ok(await SignatureImport.ImportAsync(session, groupId, reading, dryRun, clock.GetCurrentInstant(), http.RequestAborted));
    }
}
