using NodaTime;
using NodaTime.Text;

namespace MembershipLedger.Api.Http;

/// <summary>
/// Reads the points in time the API accepts: an ISO-8601 instant (<c>2022-12-08T20:24:00Z</c>, or with an offset),
/// or a calendar date read in the group's time zone.
/// </summary>
public static class Moments
{
    private static readonly IPattern<Instant> InstantPattern = NodaTime.Text.InstantPattern.ExtendedIso;
    private static readonly IPattern<OffsetDateTime> OffsetPattern = OffsetDateTimePattern.ExtendedIso;
    private static readonly IPattern<LocalDate> DatePattern = LocalDatePattern.Iso;

    public static bool TryParseInstant(string? text, out Instant instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var plain = InstantPattern.Parse(text);
        if (plain.Success) { instant = plain.Value; return true; }
        var offset = OffsetPattern.Parse(text);
        if (offset.Success) { instant = offset.Value.ToInstant(); return true; }
        return false;
    }

    public static bool TryParseDate(string? text, out LocalDate date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length != 10) return false;
        var result = DatePattern.Parse(text);
        if (result.Success) date = result.Value;
        return result.Success;
    }

    /// <summary>
    /// "The state at the end of that day": the last microsecond of <paramref name="date"/> in <paramref name="zone"/>,
    /// the storage precision, so a sign-up at 23:59:59 local time counts and one at midnight does not.
    /// </summary>
    public static Instant EndOfDay(LocalDate date, DateTimeZone zone) =>
        zone.AtStartOfDay(date.PlusDays(1)).ToInstant() - Duration.FromTicks(10);

    /// <summary>A date given for when something took effect means the start of that day in the group's zone.</summary>
    public static Instant StartOfDay(LocalDate date, DateTimeZone zone) => zone.AtStartOfDay(date).ToInstant();

    /// <summary>Parses an instant, or a date taken as the start of that day in <paramref name="zone"/>.</summary>
    public static bool TryParseEffective(string? text, DateTimeZone zone, out Instant instant)
    {
        if (TryParseInstant(text, out instant)) return true;
        if (TryParseDate(text, out var date)) { instant = StartOfDay(date, zone); return true; }
        return false;
    }

    /// <summary>Reads an <c>asOf</c>: a date means the end of that day in <paramref name="zone"/>; an instant is itself.</summary>
    public static bool TryParseAsOf(string? text, DateTimeZone zone, out Instant instant)
    {
        if (TryParseDate(text, out var date)) { instant = EndOfDay(date, zone); return true; }
        return TryParseInstant(text, out instant);
    }
}
