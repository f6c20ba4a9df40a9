using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using MembershipLedger.Interchange;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;
using NJsonSchema;

namespace MembershipLedger.Tests.Catalogue;

/// <summary>
/// events/catalogue holds one entry per event type the ledger stores. These tests fail when the code registers a
/// type the catalogue lacks, when a schema drifts from the code, or when an example does not validate or does not
/// read into its type and write back as the same JSON.
/// </summary>
public class Event_catalogue(LedgerApp app) : LedgerTest(app)
{
    private static readonly string Directory = Repository.Path("events", "catalogue");

    private IReadOnlyList<IEventType> Registered => LedgerStore.EventTypes(App.Store.Options.Events);

    private static JsonObject Entry(string type) => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, $"{type}.json")))!.AsObject();

    private static async Task<JsonSchema> SchemaOf(JsonObject entry) => await JsonSchema.FromJsonAsync(entry["schema"]!.ToJsonString());

    [Fact]
    public void Every_registered_event_type_has_an_entry_and_every_entry_a_registered_type()
    {
        var registered = Registered.Select(t => t.EventTypeName).Order(StringComparer.Ordinal).ToList();
        var catalogued = System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(registered, catalogued);
        Assert.True(registered.Count >= 24);
    }

    [Fact]
    public void Every_entry_says_what_the_event_means_when_it_is_appended_and_on_which_stream()
    {
        foreach (var type in Registered)
        {
            var entry = Entry(type.EventTypeName);
            Assert.Equal(type.EventTypeName, entry["type"]!.GetValue<string>());
            foreach (var field in new[] { "description", "appended", "stream" })
                Assert.False(string.IsNullOrWhiteSpace(entry[field]?.GetValue<string>()), $"{type.EventTypeName}: {field} is empty");
            Assert.NotNull(entry["example"]);
        }
    }

    [Fact]
    public void Every_schema_is_the_one_the_code_writes()
    {
        foreach (var type in Registered)
            Assert.True(JsonNode.DeepEquals(EventSchemas.For(type.EventType), Entry(type.EventTypeName)["schema"]),
                $"The schema of {type.EventTypeName} has drifted from {type.EventType.Name}: run `dotnet run --project src/MembershipLedger.Api -- catalogue $PWD/events/catalogue`.");
    }

    [Fact]
    public async Task Every_example_validates_against_its_schema()
    {
        foreach (var type in Registered)
        {
            var entry = Entry(type.EventTypeName);
            var errors = (await SchemaOf(entry)).Validate(entry["example"]!.ToJsonString());
            Assert.True(errors.Count == 0, $"{type.EventTypeName}: {string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}"))}");
        }
    }

    [Fact]
    public void Every_example_reads_into_its_type_and_writes_back_the_same()
    {
        var lines = new LedgerLines(Registered);
        foreach (var type in Registered)
        {
            var example = Entry(type.EventTypeName)["example"]!;
            var line = $$"""{"id":"{{Guid.NewGuid()}}","stream":"s","type":"{{type.EventTypeName}}","data":{{example.ToJsonString()}}}""";
            var (parsed, problem) = lines.Parse(1, line);
            Assert.True(problem is null, $"{type.EventTypeName}: {problem?.Field} {problem?.Detail}");
            Assert.IsType(type.EventType, parsed!.Data);

            var written = JsonSerializer.SerializeToNode(parsed.Data, type.EventType, Json.Options);
            Assert.True(JsonNode.DeepEquals(example, written), $"{type.EventTypeName}: wrote {written!.ToJsonString()}");
        }
    }

    [Fact]
    public async Task A_schema_refuses_what_its_type_would_not_accept()
    {
        var entry = Entry("member-signed-up");
        var schema = await SchemaOf(entry);
        var example = entry["example"]!.AsObject();

        var missing = example.DeepClone().AsObject();
        missing.Remove("signUpId");
        var extra = example.DeepClone().AsObject();
        extra["nickname"] = "Mardi";
        var wrongKind = example.DeepClone().AsObject();
        wrongKind["kind"] = "robot";

        Assert.NotEmpty(schema.Validate(missing.ToJsonString()));
        Assert.NotEmpty(schema.Validate(extra.ToJsonString()));
        Assert.NotEmpty(schema.Validate(wrongKind.ToJsonString()));
    }

    [Fact]
    public async Task Every_sample_event_validates_against_its_types_schema()
    {
        var schemas = new Dictionary<string, JsonSchema>();
        foreach (var file in System.IO.Directory.GetFiles(Repository.Path("events", "samples"), "*.ndjson"))
            foreach (var (text, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
            {
                var line = JsonNode.Parse(text)!.AsObject();
                var type = line["type"]!.GetValue<string>();
                if (!schemas.TryGetValue(type, out var schema)) schemas[type] = schema = await SchemaOf(Entry(type));
                var errors = schema.Validate(line["data"]!.ToJsonString());
                Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}:{number}: {string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}"))}");
            }
        Assert.True(schemas.Count >= 10);
    }
}
