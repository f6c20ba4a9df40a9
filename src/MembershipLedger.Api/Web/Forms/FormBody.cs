using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime.Text;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>
/// A filled form turned into the API request a client would send. Only the shape is the form's business: an empty
/// field is left out (the API says when it is required), a number that does not read as one is sent as typed (the API
/// says it is not a number), and a date and time typed in the group's zone is sent with that zone's offset.
/// </summary>
public static partial class FormBody
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")]
    private static partial System.Text.RegularExpressions.Regex LocalShape();

    private static readonly LocalDateTimePattern[] LocalTimes =
        [LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm"), LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm"),
         LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm:ss"), LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss")];

    /// <summary>The request's target (its route values filled and escaped) and JSON body; or the fields whose lines the form could not split.</summary>
    public static (string Target, JsonObject Body, Dictionary<string, string[]> Errors) Build(
        WebForm form, IReadOnlyDictionary<string, string> values, FormSubject subject)
    {
        var body = new JsonObject();
        var errors = new Dictionary<string, string[]>();
        var route = new Dictionary<string, string>(subject.Values.Where(v => FormSubject.Keys.Contains(v.Key)));
        foreach (var field in form.Fields)
        {
            var text = values.GetValueOrDefault(field.Name)?.Trim() ?? "";
            if (field.InRoute)
            {
                // A fixed value (which member, which expense) is the one the form's address named and was checked for;
                // what the browser sent back for it is ignored.
                if (!(field.Fixed && route.ContainsKey(field.Name))) route[field.Name] = text;
                continue;
            }
            if (text.Length == 0 && field.Kind != FieldKind.Check) continue;
            var (value, problem) = Read(field, text, subject.Zone);
            if (problem is not null) errors[field.Name] = [problem];
            else body[field.Name] = value;
        }
        var target = form.Route;
        foreach (var (key, value) in route) target = target.Replace($"{{{key}}}", Uri.EscapeDataString(value));
        return (target, body, errors);
    }

    private static (JsonNode? Value, string? Problem) Read(FormField field, string text, DateTimeZone zone)
    {
        switch (field.Kind)
        {
            case FieldKind.Moment or FieldKind.Effective:
                foreach (var pattern in LocalTimes)
                    if (pattern.Parse(text) is { Success: true } local)
                        return (OffsetDateTimePattern.ExtendedIso.Format(zone.AtLeniently(local.Value).ToOffsetDateTime()), null);
                // Written as the form asks (2022-12-09 20:24) but not a moment on the calendar: said in the form's own terms.
                // Anything else goes to the API as typed (an ISO instant, a date), and the API says what is wrong with it.
                return LocalShape().IsMatch(text)
                    ? (null, $"'{text}' is not a date and time on the calendar; write it as year-month-day hour:minute, e.g. 2022-12-09 20:24 ({zone.Id}).")
                    : (text, null);
            case FieldKind.Decimal:
                return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) ? (amount, null) : (text, null);
            case FieldKind.Integer:
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? (count, null) : (text, null);
            case FieldKind.Check:
                return (text is "on" or "true", null);
            case FieldKind.List:
                return (new JsonArray([.. Split(text, ',').Select(v => (JsonNode)v)]), null);
            case FieldKind.Channels:
            {
                var channels = new JsonArray();
                foreach (var (line, at) in Split(text).Select((l, i) => (l, i + 1)))
                {
                    var colon = line.IndexOf(':');
                    if (colon <= 0) return (null, $"line {at} should read \"kind: value\", e.g. \"telegram: t.me/wikitj\".");
                    channels.Add(new JsonObject { ["kind"] = line[..colon].Trim(), ["value"] = line[(colon + 1)..].Trim() });
                }
                return (channels, null);
            }
            case FieldKind.Languages:
            {
                var languages = new JsonArray();
                foreach (var (line, at) in Split(text).Select((l, i) => (l, i + 1)))
                {
                    var colon = line.IndexOf(':');
                    if (colon <= 0) return (null, $"line {at} should read \"code: level\", e.g. \"tg: native\".");
                    languages.Add(new JsonObject { ["code"] = line[..colon].Trim(), ["level"] = line[(colon + 1)..].Trim() });
                }
                return (languages, null);
            }
            case FieldKind.BudgetLines:
                return Rows(text, ["id", "category", "amount"], "\"venue | Venue and catering | 450\"");
            case FieldKind.Moves:
                return Rows(text, ["from", "to", "amount"], "\"travel | venue | 250\"");
            default:
                return (text, null);
        }
    }

    /// <summary>Lines of "a | b | amount" as objects with <paramref name="names"/>; the last is sent as a number when it reads as one.</summary>
    private static (JsonNode? Value, string? Problem) Rows(string text, string[] names, string example)
    {
        var rows = new JsonArray();
        foreach (var (line, at) in Split(text).Select((l, i) => (l, i + 1)))
        {
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != names.Length) return (null, $"line {at} should read \"{string.Join(" | ", names)}\", e.g. {example}.");
            var row = new JsonObject();
            for (var i = 0; i < names.Length - 1; i++) row[names[i]] = parts[i];
            row[names[^1]] = decimal.TryParse(parts[^1], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) ? amount : parts[^1];
            rows.Add(row);
        }
        return (rows, null);
    }

    private static IEnumerable<string> Split(string text, params char[] also) =>
        text.Split(['\n', .. also], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
