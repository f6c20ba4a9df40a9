using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Marten.Events;
using MembershipLedger.Interchange;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.CommandLine;

public sealed class CatalogueInput
{
    [Description("The catalogue's directory, e.g. events/catalogue")]
    public string Directory { get; set; } = "";
}

/// <summary>Needs no database: the event types come from the store's configuration alone.</summary>
[Description("Write each event type's JSON Schema into its catalogue entry; descriptions and examples are kept", Name = "catalogue")]
public sealed class CatalogueCommand : JasperFxCommand<CatalogueInput>
{
    private static readonly JsonSerializerOptions CatalogueJson = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public override bool Execute(CatalogueInput input)
    {
        var directory = Path.IsPathRooted(input.Directory) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } shell
            ? input.Directory : Path.Combine(shell, input.Directory);
        var options = new StoreOptions();
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        LedgerStore.Configure(options, dataSource, SystemClock.Instance);
        System.IO.Directory.CreateDirectory(directory);
        foreach (var type in LedgerStore.EventTypes((IReadOnlyEventStoreOptions)options.Events).OrderBy(t => t.EventTypeName, StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, $"{type.EventTypeName}.json");
            var entry = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : new JsonObject
            {
                ["type"] = type.EventTypeName, ["stream"] = "", ["description"] = "", ["appended"] = "", ["example"] = null,
            };
            entry["schema"] = EventSchemas.For(type.EventType);
            File.WriteAllText(path, entry.ToJsonString(CatalogueJson) + "\n");
            Console.Error.WriteLine(path);
        }
        LedgerCommands.Exit(0);
        return true;
    }
}
