using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using NodaTime;

namespace MembershipLedger.Interchange;

/// <summary>
/// The JSON Schema (draft 2020-12 subset) of an event type's data, as the ledger's serializer writes it: derived from
/// the C# record, so the catalogue's schema cannot drift from the code without the catalogue test saying so.
/// </summary>
public static class EventSchemas
{
    private static readonly JsonSerializerOptions Options = new(Json.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static readonly JsonSchemaExporterOptions Exporter = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, schema) =>
        {
            var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
            var nullable = context.TypeInfo.Type != type
                || context.PropertyInfo is { IsGetNullable: true } && !type.IsValueType;
            JsonNode? replaced = type switch
            {
                _ when type == typeof(Instant) => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                _ when type == typeof(LocalDate) => new JsonObject { ["type"] = "string", ["format"] = "date" },
                _ when type == typeof(PartialDate) => new JsonObject { ["type"] = "string", ["pattern"] = @"^\d{4}(-\d{2}(-\d{2})?)?$" },
                _ when typeof(DateTimeZone).IsAssignableFrom(type) => new JsonObject { ["type"] = "string", ["minLength"] = 1 },
                _ => null,
            };
            if (replaced is not null)
            {
                if (nullable) replaced["type"] = new JsonArray("string", "null");
                return replaced;
            }
            // Every property is written, so every property is required, but for an optional one added later (it has a default,
            // and is left out when empty, so events stored before it existed still read); and nothing else is allowed.
            if (schema is JsonObject obj && obj["properties"] is JsonObject properties)
            {
                obj["required"] = new JsonArray(properties.Where(p => p.Value is not JsonObject { } property || !property.ContainsKey("default"))
                    .Select(p => (JsonNode)p.Key).ToArray());
                obj["additionalProperties"] = false;
            }
            return schema;
        },
    };

    public static JsonObject For(Type eventType)
    {
        var schema = (JsonObject)Options.GetJsonSchemaAsNode(eventType, Exporter);
        var root = new JsonObject { ["$schema"] = "https://json-schema.org/draft/2020-12/schema" };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }
        return root;
    }
}
