using System.Text.Json;
using JasperFx.CommandLine;
using MembershipLedger.Interchange;

namespace MembershipLedger.Api.CommandLine;

public sealed class ImportInput : LedgerInput
{
    [Description("The NDJSON file of ledger lines, or - for standard input")]
    public string File { get; set; } = "";

    [Description("Check every line and report; append nothing"), FlagAlias("dry-run")]
    public bool DryRunFlag { get; set; }
}

[Description("Import NDJSON events; the whole file is checked first, events already present are skipped", Name = "import")]
public sealed class ImportCommand : LedgerCommand<ImportInput>
{
    protected override async Task<int> RunAsync(ImportInput input, IServiceProvider services, IDocumentStore store)
    {
        using var reader = Open(input.File);
        var context = new ImportContext(CommandLinePrincipal, "command-line", services.GetRequiredService<IClock>().GetCurrentInstant(), input.DryRunFlag,
            CorrelationId: Guid.NewGuid().ToString());
        var report = await LedgerImport.ImportAsync(store, reader, context, Progress);
        Console.WriteLine(JsonSerializer.Serialize(report, Indented));
        return report.Refused ? 1 : 0;
    }
}
