using System.Text.Json;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Http;

/// <summary>
/// The reading rules under <see cref="RequestBody{T}"/>, which calls them for each field of a request record: a body read
/// field by field, collecting a message per bad field, so one response names every field that is wrong. Unknown fields are refused too: a misspelt "signedat" must not silently become "undated"; and
/// so is a field given twice, where "the last one wins" would let a proxy and the ledger read two different requests.
/// </summary>
public sealed class JsonBody
{
    /// <summary>No request in this API needs more; larger bodies are refused before parsing.</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly JsonElement _root;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    private readonly JsonBody? _parent;
    private readonly string _path = "";

    private JsonBody(JsonElement root) => _root = root;

    private JsonBody(JsonElement root, JsonBody parent, string path) => (_root, _parent, _path) = (root, parent, path);

    /// <summary>The body as an object, or a problem result when it is missing, too large, or not a JSON object.</summary>
    public static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, bool allowEmpty = false)
    {
        if (request.ContentLength > MaxBytes)
            return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBytes) return (null, TooLarge());
            }
        }
        catch (BadHttpRequestException e)
        {
            // A body shorter than its Content-Length (the client went away mid-request) is the request's fault: 400, not 500.
            return (null, Problems.Invalid("body", e.Message));
        }
        if (buffer.Length == 0)
            return allowEmpty
                ? (new JsonBody(JsonDocument.Parse("{}").RootElement), null)
                : (null, Problems.Invalid("body", "A JSON object is required."));
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (new JsonBody(document.RootElement.Clone()), null)
                : (null, Problems.Invalid("body", "The body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid("body", $"Malformed JSON: {e.Message}"));
        }
    }

    private static IResult TooLarge() => Problems.TooLarge($"The body is larger than {MaxBytes} bytes.");

    /// <summary>The trimmed text of a field already read and found valid.</summary>
    public string? Text(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : null;

    public bool Has(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public void Error(string field, string message)
    {
        if (_parent is not null) _parent.Error($"{_path}.{field}", message);
        else _errors[field] = [message];
    }

    /// <summary>For an item read with <see cref="Item"/>: reports its unknown fields to the body it belongs to.</summary>
    public void RefuseUnknownFields()
    {
        foreach (var property in _root.EnumerateObject())
            if (!_read.Contains(property.Name))
                Error(property.Name, "is not a field of this request.");
    }

    /// <summary>The errors reported to this body (an item's go to the body it belongs to).</summary>
    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    /// <summary>True when no error has been reported so far.</summary>
    public bool IsValid => (_parent?.IsValid ?? true) && _errors.Count == 0;

    public string? String(string name, bool required = false, int maxLength = 200)
    {
        if (!Get(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) { Error(name, "must be a string."); return null; }
        var text = value.GetString()!.Trim();
        if (text.Length == 0 && required) { Error(name, "must not be empty."); return null; }
        if (text.Length > maxLength) { Error(name, $"must be at most {maxLength} characters."); return null; }
        if (text.Any(c => char.IsControl(c))) { Error(name, "must not contain control characters."); return null; }
        return text.Length == 0 ? null : text;
    }

    public Instant? Instant(string name, bool required = false)
    {
        var text = String(name, required, 64);
        if (text is null) return null;
        if (Moments.TryParseInstant(text, out var instant)) return instant;
        Error(name, $"'{text}' is not an ISO-8601 instant such as 2022-12-08T20:24:00Z {Moments.Span}.");
        return null;
    }

    /// <summary>An instant, or a date meaning the start of that day in <paramref name="zone"/>.</summary>
    public Instant? Effective(string name, DateTimeZone zone, bool required = false)
    {
        var text = String(name, required, 64);
        if (text is null) return null;
        if (Moments.TryParseEffective(text, zone, out var instant)) return instant;
        Error(name, $"'{text}' is neither a date (2023-05-01) nor an ISO-8601 instant (2023-05-01T12:00:00Z) {Moments.Span}.");
        return null;
    }

    /// <summary>An exact amount: a JSON number (read as decimal, never through a double) or a numeric string.</summary>
    public decimal? Decimal(string name, bool required = false) => ReadDecimal(this, name, required);

    /// <summary>A calendar date, <c>2019-09-09</c>.</summary>
    public LocalDate? Date(string name, bool required = false)
    {
        var text = String(name, required, 32);
        if (text is null) return null;
        if (Moments.TryParseDate(text, out var date)) return date;
        Error(name, $"'{text}' is not a date such as 2019-09-09 {Moments.Span}.");
        return null;
    }

    /// <summary>A date known to the day, the month or only the year: <c>2019-09-09</c>, <c>2019-09</c> or <c>2019</c>.</summary>
    public PartialDate? PartialDate(string name, bool required = false)
    {
        var text = String(name, required, 32);
        if (text is null) return null;
        if (Ledger.PartialDate.TryParse(text, out var date) && date.Year is >= 1900 and <= 2199) return date;
        Error(name, $"'{text}' is not a date such as 2019-09-09, 2019-09 or 2019 {Moments.Span}.");
        return null;
    }

    public int? Int(string name, bool required = false, int min = 0, int max = int.MaxValue)
    {
        if (!Get(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number)) { Error(name, "must be a whole number."); return null; }
        if (number < min || number > max) { Error(name, $"must be from {min} to {max}."); return null; }
        return number;
    }

    public bool? Bool(string name)
    {
        if (!Get(name, false, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Error(name, "must be true or false.");
        return null;
    }

    /// <summary>An IANA time zone id such as <c>Africa/Casablanca</c>.</summary>
    public DateTimeZone? TimeZone(string name, bool required = false)
    {
        var text = String(name, required, 64);
        if (text is null) return null;
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(text) is { } zone) return zone;
        Error(name, $"'{text}' is not an IANA time zone such as Africa/Casablanca.");
        return null;
    }

    /// <summary>Reads the fields of one object of an array, reporting errors under <c>name[i].field</c>.</summary>
    public JsonBody Item(JsonElement item, string path) => new(item, this, path);

    private static decimal? ReadDecimal(JsonBody body, string name, bool required)
    {
        if (!body.Get(name, required, out var value)) return null;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
            JsonValueKind.String when decimal.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            _ => (decimal?)null,
        };
        if (parsed is null) body.Error(name, "must be a decimal number such as 1200.00.");
        else if (Math.Abs(parsed.Value) > EventRules.MaxAmount)
        {
            body.Error(name, $"{parsed} is beyond any amount an affiliate's books hold (at most {EventRules.MaxAmount:N0}).");
            return null;
        }
        return parsed;
    }

    public TEnum? Enum<TEnum>(string name, bool required = false) where TEnum : struct, System.Enum
    {
        var text = String(name, required, 64);
        if (text is null) return null;
        if (WireNames<TEnum>.TryParse(text, out var value)) return value;
        Error(name, $"'{text}' is not one of: {string.Join(", ", WireNames<TEnum>.All)}.");
        return null;
    }

    public IReadOnlyList<string>? StringArray(string name, bool required = false, int maxItems = 50, int maxLength = 200)
    {
        if (!Get(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) { Error(name, "must be an array of strings."); return null; }
        if (value.GetArrayLength() > maxItems) { Error(name, $"must have at most {maxItems} items."); return null; }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()) || item.GetString()!.Length > maxLength)
            {
                Error(name, $"must contain only non-empty strings of at most {maxLength} characters.");
                return null;
            }
            items.Add(item.GetString()!.Trim());
        }
        return items;
    }

    /// <summary>An array of objects, each read by <paramref name="readItem"/> (which reports its own errors).</summary>
    public IReadOnlyList<T>? ObjectArray<T>(string name, Func<JsonElement, string, T?> readItem, int maxItems = 20) where T : class
    {
        if (!Get(name, false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) { Error(name, "must be an array."); return null; }
        if (value.GetArrayLength() > maxItems) { Error(name, $"must have at most {maxItems} items."); return null; }
        var items = new List<T>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object) { Error(path, "must be an object."); return null; }
            if (readItem(item, path) is not { } parsed) return null;
            items.Add(parsed);
        }
        return items;
    }

    private bool Get(string name, bool required, out JsonElement value)
    {
        _read.Add(name);
        if (_root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Error(name, "is required.");
        return false;
    }
}
