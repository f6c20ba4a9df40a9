using JasperFx.CommandLine;
using MembershipLedger.Interchange;
using Npgsql;

namespace MembershipLedger.Api.CommandLine;

public sealed class ExportInput : LedgerInput
{
    [Description("Only this group's events: its own, its members', its activities' and grants'")]
    public string? GroupFlag { get; set; }

    [Description("Only this person's events in every group")]
    public string? PersonFlag { get; set; }

    [Description("Write to this file instead of standard output")]
    public string? OutFlag { get; set; }
}

[Description("Export events as NDJSON, in the order they were appended (default: the whole ledger, to standard output)", Name = "export")]
public sealed class ExportCommand : LedgerCommand<ExportInput>
{
    protected override async Task<int> RunAsync(ExportInput input, IServiceProvider services, IDocumentStore store)
    {
        if (input.GroupFlag is not null && input.PersonFlag is not null) return Fail("Export a group or a person, not both.");
        ExportScope scope = input.GroupFlag is { } g ? new ExportScope.Group(g) : input.PersonFlag is { } p ? new ExportScope.Person(p) : new ExportScope.Everything();
        await using var output = input.OutFlag is { } path ? File.Create(Resolve(path)) : Console.OpenStandardOutput();
        var count = await LedgerExport.ExportAsync(services.GetRequiredService<NpgsqlDataSource>(), scope, output);
        Console.Error.WriteLine($"{count:N0} events exported.");
        return 0;
    }
}
