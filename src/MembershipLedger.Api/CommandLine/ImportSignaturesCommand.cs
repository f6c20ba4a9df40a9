using System.Text.Json;
using JasperFx.CommandLine;
using MembershipLedger.Groups;
using MembershipLedger.Memberships.SignatureLists;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.CommandLine;

public sealed class ImportSignaturesInput : LedgerInput
{
    [Description("The group the list belongs to, e.g. tajik-wikimedians")]
    public string GroupId { get; set; } = "";

    [Description("The list as the page renders it, or its wikitext; - for standard input")]
    public string File { get; set; } = "";

    [Description("Show what would be appended; append nothing"), FlagAlias("dry-run")]
    public bool DryRunFlag { get; set; }

    [Description("Why, kept with every event appended")]
    public string? ReasonFlag { get; set; }

    [Description("The wiki's language (pl, it, sr…), for month names that mean different months in different languages")]
    public string? LanguageFlag { get; set; }

    [Description("The IANA zone (Europe/Warsaw) a line's time is read in when the line names none; the group's when not given")]
    public string? ZoneFlag { get; set; }
}

[Description("Import a Meta-Wiki signature list (rendered text or wikitext) as sign-ups", Name = "import-signatures")]
public sealed class ImportSignaturesCommand : LedgerCommand<ImportSignaturesInput>
{
    protected override async Task<int> RunAsync(ImportSignaturesInput input, IServiceProvider services, IDocumentStore store)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<GroupProfile>(input.GroupId) is not { } group) return Fail($"No group '{input.GroupId}' is registered.");
        var zone = input.ZoneFlag is null ? group.Profile.TimeZone : DateTimeZoneProviders.Tzdb.GetZoneOrNull(input.ZoneFlag);
        if (zone is null) return Fail($"'{input.ZoneFlag}' is not an IANA time zone such as Europe/Warsaw or UTC.");
        using var reader = Open(input.File);
        var reading = SignatureList.Read(await reader.ReadToEndAsync(), input.LanguageFlag, zone);
        session.LastModifiedBy = CommandLinePrincipal;
        session.CorrelationId = Guid.NewGuid().ToString();
        session.SetHeader(EventMetadata.Source, "command-line");
        if (input.ReasonFlag is { } reason) session.SetHeader(EventMetadata.Reason, reason);
        var report = await SignatureImport.ImportAsync(session, input.GroupId, reading, input.DryRunFlag, services.GetRequiredService<IClock>().GetCurrentInstant());
        Console.WriteLine(JsonSerializer.Serialize(report, Indented));
        return 0;
    }
}
