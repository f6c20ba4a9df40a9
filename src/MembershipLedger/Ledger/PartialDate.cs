using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace MembershipLedger.Ledger;

/// <summary>
/// A calendar date known only to the year, the month or the day, as wiki pages give them
/// ("Founding date 2022"). The precision that is known is kept; a year is never padded into a made-up day.
/// Written as <c>2022</c>, <c>2022-05</c> or <c>2022-05-17</c>.
/// </summary>
[JsonConverter(typeof(PartialDateJsonConverter))]
public readonly record struct PartialDate : IComparable<PartialDate>
{
    /// <summary>In time order by the earliest day each can be; of two that start together, the less precise ("2019") first.</summary>
    public int CompareTo(PartialDate other)
    {
        var byDay = FirstDay.CompareTo(other.FirstDay);
        return byDay != 0 ? byDay : LastDay.CompareTo(other.LastDay) * -1;
    }

    private PartialDate(int year, int? month, int? day) => (Year, Month, Day) = (year, month, day);

    public int Year { get; }
    /// <summary>1–12, or null when only the year is known.</summary>
    public int? Month { get; }
    /// <summary>1–31, or null when the day is not known.</summary>
    public int? Day { get; }

    public static PartialDate OfYear(int year) => new(year, null, null);
    public static PartialDate OfMonth(int year, int month) => new(year, month, null);
    public static PartialDate Of(LocalDate date) => new(date.Year, date.Month, date.Day);

    public static implicit operator PartialDate(LocalDate date) => Of(date);

    /// <summary>True when the day is known.</summary>
    public bool IsExact => Day is not null;

    /// <summary>The earliest day it can be.</summary>
    public LocalDate FirstDay => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The latest day it can be: by then it had certainly happened.</summary>
    public LocalDate LastDay => Month is not { } month
        ? new LocalDate(Year, 12, 31)
        : new LocalDate(Year, month, Day ?? CalendarSystem.Iso.GetDaysInMonth(Year, month));

    /// <summary>Parses <c>yyyy</c>, <c>yyyy-MM</c> or <c>yyyy-MM-dd</c>; false for anything else or an impossible date.</summary>
    public static bool TryParse(string? text, out PartialDate value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Split('-');
        if (parts.Length > 3 || parts[0].Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1 || year > 9998)
            return false;
        if (parts.Length == 1) { value = OfYear(year); return true; }
        if (parts[1].Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12)
            return false;
        if (parts.Length == 2) { value = OfMonth(year, month); return true; }
        if (parts[2].Length != 2 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
            return false;
        value = new PartialDate(year, month, day);
        return true;
    }

    public override string ToString() => (Month, Day) switch
    {
        (null, _) => Year.ToString("D4", CultureInfo.InvariantCulture),
        (_, null) => $"{Year:D4}-{Month:D2}",
        _ => $"{Year:D4}-{Month:D2}-{Day:D2}",
    };
}

public sealed class PartialDateJsonConverter : JsonConverter<PartialDate>
{
    public override PartialDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.Number ? reader.GetInt32().ToString(CultureInfo.InvariantCulture) : reader.GetString();
        return PartialDate.TryParse(text, out var value) ? value : throw new JsonException($"'{text}' is not a date of the form yyyy, yyyy-MM or yyyy-MM-dd.");
    }

    public override void Write(Utf8JsonWriter writer, PartialDate value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
