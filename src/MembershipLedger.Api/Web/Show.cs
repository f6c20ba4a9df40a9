using System.Globalization;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using NodaTime.Text;

namespace MembershipLedger.Api.Web;

/// <summary>How the pages write the ledger's values for people: dates in the group's zone with the zone named, money with its currency.</summary>
public static class Show
{
    private static readonly LocalDatePattern Day = LocalDatePattern.Create("d MMMM yyyy", CultureInfo.InvariantCulture);
    private static readonly LocalDateTimePattern Moment = LocalDateTimePattern.Create("d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    public static string Date(LocalDate date) => Day.Format(date);

    public static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>"9 December 2022, 20:24" in <paramref name="zone"/> (the page names the zone once).</summary>
    public static string At(Instant instant, DateTimeZone zone) => Moment.Format(instant.InZone(zone).LocalDateTime);

    public static string At(Instant? instant, DateTimeZone zone, string unknown = "not known") => instant is { } i ? At(i, zone) : unknown;

    /// <summary>"end of 9 December 2022, Asia/Dushanbe": the moment a date question is answered for.</summary>
    public static string EndOf(LocalDate date, DateTimeZone zone) => $"end of {Date(date)}, {zone.Id}";

    public static string Partial(PartialDate? date) => date is not { } d ? "not known"
        : (d.Month, d.Day) switch
        {
            (null, _) => d.Year.ToString(CultureInfo.InvariantCulture),
            ({ } m, null) => new LocalDate(d.Year, m, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture),
            ({ } m, { } day) => Date(new LocalDate(d.Year, m, day)),
        };

    public static string Money(decimal amount, string currency) => $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}";

    public static string Role(RoleKind role) => Json.Kind(role).Replace('-', ' ');

    public static string Kind<TEnum>(TEnum value) where TEnum : struct, Enum => Json.Kind(value).Replace('-', ' ');

    /// <summary>"member-signed-up" → "member signed up".</summary>
    public static string EventType(string type) => type.Replace('-', ' ');

    public static string PersonLink(string username) => $"/web/people/{Uri.EscapeDataString(username)}";

    public static string GroupLink(string groupId) => $"/web/groups/{Uri.EscapeDataString(groupId)}";
}
