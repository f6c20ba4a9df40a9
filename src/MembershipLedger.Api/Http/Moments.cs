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

    /// <summary>
    /// The span the ledger reads a point in time from. Wider than what a fact can be (decisions refuse before 2001 and
    /// the future with their own words), narrow enough that every date and instant in it converts to PostgreSQL's and
    /// .NET's types and a day can be added to it: year 0, 9999-12-31 and overflowing offsets fall outside.
    /// </summary>
    public static readonly Instant Earliest = Instant.FromUtc(1900, 1, 1, 0, 0);
    public static readonly Instant Latest = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>Says which span a date or instant must be in, for problem details.</summary>
    public const string Span = "between 1900 and 2199";

    public static bool TryParseInstant(string? text, out Instant instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var plain = InstantPattern.Parse(text);
        if (plain.Success) instant = plain.Value;
        else if (OffsetPattern.Parse(text) is { Success: true } offset)
        {
            // 9999-12-31T23:59:59-14:00 is a valid text whose instant is past the end of NodaTime's calendar.
            if (offset.Value.LocalDateTime.Year is < 1900 or > 2199) return false;
            instant = offset.Value.ToInstant();
        }
        else return false;
        return instant >= Earliest && instant < Latest;
    }

    public static bool TryParseDate(string? text, out LocalDate date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length != 10) return false;
        var result = DatePattern.Parse(text);
        if (!result.Success || result.Value.Year is < 1900 or > 2199) return false;
        date = result.Value;
        return true;
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

    /// <summary>Reads a <c>knownAt</c>: an instant is itself; a date means the end of that day in <paramref name="zone"/>.</summary>
    public static bool TryParseKnownAt(string? text, DateTimeZone zone, out Instant instant)
    {
        if (TryParseInstant(text, out instant)) return true;
        if (TryParseDate(text, out var date)) { instant = EndOfDay(date, zone); return true; }
        return false;
    }
}

/// <summary>
/// A moment as a request gives it: an ISO-8601 instant, or a date meaning the start of that day in the group's zone.
/// Bound (and its syntax checked) before the group is known; <see cref="In"/> places it in the group's calendar.
/// </summary>
public readonly record struct Effective(string Text)
{
    public Instant In(DateTimeZone zone) =>
        Moments.TryParseEffective(Text, zone, out var instant) ? instant : throw new InvalidOperationException($"'{Text}' was bound as a moment but does not parse.");
}
