using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using JasperFx.Events;
using MembershipLedger.Storage;
using NodaTime;
using NodaTime.Text;

namespace MembershipLedger.Interchange;

/// <summary>
/// One event as a line of an NDJSON ledger file:
/// <c>{"id": …, "stream": …, "version": …, "type": …, "data": {…}, "metadata": {"recordedAt": …, "recordedBy": …, "source": …, "reason": …, "correlationId": …}}</c>.
/// The id is the event's own: it is what makes a second import of the same file append nothing.
/// </summary>
/// <param name="Version">The event's place in its stream (1-based); checked on import when given.</param>
/// <param name="RecordedAt">When the ledger learned it; left out (a hand-written sample), the time of the import.</param>
public sealed record LedgerLine(
    int LineNumber, Guid Id, string Stream, long? Version, string Type, object Data,
    Instant? RecordedAt, string? RecordedBy, string? Source, string? Reason, string? CorrelationId);

/// <summary>What could not be understood on one line of a file.</summary>
public sealed record LineProblem(int Line, string Field, string Detail);

/// <summary>Reads and writes the NDJSON form of events, against the event types the store registers.</summary>
public sealed class LedgerLines
{
    public const int MaxStreamKeyLength = 250;
    public const int MaxLineLength = 1 << 20;

    private readonly Dictionary<string, Type> _types;

    // Imported data is checked harder than the API's own bodies are parsed: a required field that is missing
    // or null is refused here, where a record constructor would quietly take a null.
    private static readonly JsonSerializerOptions Strict = new(Json.Options)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public LedgerLines(IEnumerable<IEventType> registered) =>
        _types = registered.ToDictionary(t => t.EventTypeName, t => t.EventType, StringComparer.Ordinal);

    /// <summary>Parses one line; a problem names the field at fault and nothing is returned.</summary>
    public (LedgerLine? Line, LineProblem? Problem) Parse(int lineNumber, string text)
    {
        LineProblem Bad(string field, string detail) => new(lineNumber, field, detail);
        if (text.Length > MaxLineLength) return (null, Bad("line", $"is longer than {MaxLineLength} characters."));
        JsonDocument document;
        try
        {
            // A key given twice is ambiguous (which one did the writer mean?): refused, never "the last one wins".
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return (null, Bad("line", $"is not JSON: {e.Message}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, Bad("line", "is not a JSON object."));
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("id" or "stream" or "version" or "type" or "data" or "metadata"))
                    return (null, Bad(property.Name, "is not a field of a ledger line (id, stream, version, type, data, metadata)."));

            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || !idElement.TryGetGuid(out var id) || id == Guid.Empty)
                return (null, Bad("id", "is required: the event's id, a UUID."));
            if (!root.TryGetProperty("stream", out var streamElement) || streamElement.ValueKind != JsonValueKind.String
                || streamElement.GetString() is not { Length: > 0 and <= MaxStreamKeyLength } stream || stream.Trim() != stream)
                return (null, Bad("stream", $"is required: the stream's key, 1 to {MaxStreamKeyLength} characters."));
            long? version = null;
            if (root.TryGetProperty("version", out var versionElement) && versionElement.ValueKind != JsonValueKind.Null)
            {
                if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt64(out var v) || v < 1)
                    return (null, Bad("version", "must be a whole number from 1."));
                version = v;
            }
            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                return (null, Bad("type", "is required: a pinned event type name such as member-signed-up."));
            var typeName = typeElement.GetString()!;
            if (!_types.TryGetValue(typeName, out var type))
                return (null, Bad("type", $"'{Shorten(typeName)}' is not an event type of this ledger (events/README.md lists them)."));
            if (!root.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Object)
                return (null, Bad("data", "is required: the event's data, a JSON object."));
            object? data;
            try
            {
                data = dataElement.Deserialize(type, Strict);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
            {
                return (null, Bad("data", $"does not read as {typeName}: {e.Message}"));
            }
            if (data is null) return (null, Bad("data", $"does not read as {typeName}."));

            Instant? recordedAt = null;
            string? recordedBy = null, source = null, reason = null, correlationId = null;
            if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind != JsonValueKind.Null)
            {
                if (metadata.ValueKind != JsonValueKind.Object) return (null, Bad("metadata", "must be an object."));
                foreach (var property in metadata.EnumerateObject())
                {
                    var value = property.Value;
                    if (value.ValueKind == JsonValueKind.Null) continue;
                    if (value.ValueKind != JsonValueKind.String) return (null, Bad($"metadata.{property.Name}", "must be a string."));
                    var textValue = value.GetString()!;
                    if (textValue.Length > 500) return (null, Bad($"metadata.{property.Name}", "must be at most 500 characters."));
                    switch (property.Name)
                    {
                        case "recordedAt":
                            var parsed = InstantPattern.ExtendedIso.Parse(textValue);
                            if (!parsed.Success) return (null, Bad("metadata.recordedAt", $"'{Shorten(textValue)}' is not an ISO-8601 instant such as 2024-06-01T12:00:00Z."));
                            recordedAt = parsed.Value;
                            break;
                        case "recordedBy": recordedBy = textValue; break;
                        case "source": source = textValue; break;
                        case "reason": reason = textValue; break;
                        case "correlationId": correlationId = textValue; break;
                        default: return (null, Bad($"metadata.{property.Name}", "is not a metadata field (recordedAt, recordedBy, source, reason, correlationId)."));
                    }
                }
            }
            return (new LedgerLine(lineNumber, id, stream, version, typeName, data, recordedAt, recordedBy, source, reason, correlationId), null);
        }
    }

    /// <summary>Writes one event as a line, its data as stored (so masked data stays masked).</summary>
    public static void Write(Utf8JsonWriter writer, Guid id, string stream, long version, string type, string storedData,
        Instant recordedAt, string? recordedBy, string? source, string? reason, string? correlationId)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("stream", stream);
        writer.WriteNumber("version", version);
        writer.WriteString("type", type);
        writer.WritePropertyName("data");
        writer.WriteRawValue(storedData, skipInputValidation: true);
        writer.WriteStartObject("metadata");
        writer.WriteString("recordedAt", InstantPattern.ExtendedIso.Format(recordedAt));
        WriteOptional(writer, "recordedBy", recordedBy);
        WriteOptional(writer, "source", source);
        WriteOptional(writer, "reason", reason);
        WriteOptional(writer, "correlationId", correlationId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
