using System.Collections;
using System.Reflection;
using NodaTime;

namespace MembershipLedger.Ledger;

/// <summary>
/// What every event must satisfy before it is appended, whichever door it came through (an endpoint's decision, an
/// NDJSON import, the command line): instants and dates in the range a recorded fact can have, amounts an affiliate's
/// books can hold, account names MediaWiki would accept, text PostgreSQL can store. A projection can apply every event
/// that passes. The walk is over the event's own properties, so a new event type is covered without being listed.
/// </summary>
public static class EventRules
{
    /// <summary>No grant or expense of an affiliate comes near a trillion in any currency; 1e28 is a typo or an attack.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The latest calendar date a plan (a grant period, a planned activity) may name, counted from now.</summary>
    public static readonly Period PlanningHorizon = Period.FromYears(25);

    /// <summary>The first problem with <paramref name="event"/>, naming the field by its JSON path (e.g. <c>details.startsOn</c>), or null.</summary>
    /// <param name="now">When it is recorded: nothing it says happened can be later.</param>
    public static LedgerProblem? Check(object @event, Instant now)
    {
        var latestDay = now.InUtc().Date.Plus(PlanningHorizon);
        var isOrganization = @event.GetType().GetProperty("Kind")?.GetValue(@event) is Memberships.MemberKind.Organization;
        return Walk(@event, "", now, latestDay, isOrganization, depth: 0);
    }

    private static LedgerProblem? Walk(object value, string path, Instant now, LocalDate latestDay, bool isOrganization, int depth)
    {
        if (depth > 8) return null;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.DeclaringType?.Namespace?.StartsWith("MembershipLedger") != true) continue;
            var name = path.Length == 0 ? Camel(property.Name) : $"{path}.{Camel(property.Name)}";
            var problem = CheckValue(property.Name, property.GetValue(value), name, now, latestDay, isOrganization, depth);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static LedgerProblem? CheckValue(string member, object? value, string name, Instant now, LocalDate latestDay, bool isOrganization, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case Instant instant:
                return Plausibility.Check(name, instant, now);
            case LocalDate date:
                return CheckDate(name, date, date, latestDay);
            case PartialDate partial:
                // "2001" may be any day of 2001: too early only if its last day is, too late only if its first day is.
                return CheckDate(name, partial.FirstDay, partial.LastDay, latestDay);
            case decimal amount when Math.Abs(amount) > MaxAmount:
                return LedgerProblem.Field(name, $"{amount} is beyond any amount an affiliate's books hold (at most {MaxAmount:N0}).");
            case string text:
                if (Text.Invalid(text) is { } bad) return LedgerProblem.Field(name, bad);
                if (IsAccountName(member) && Usernames.Invalid(text, isOrganization) is { } why) return LedgerProblem.Field(name, why);
                return null;
            case DateTimeZone or Guid or bool or int or long or decimal or Enum:
                return null;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    var itemName = $"{name}[{index++}]";
                    // A list of organizers is a list of account names: each item is checked as its list's member is.
                    var problem = CheckValue(member is "Organizers" ? "Username" : member, item, itemName, now, latestDay, isOrganization, depth + 1);
                    if (problem is not null) return problem;
                }
                return null;
            default:
                return value.GetType().Namespace?.StartsWith("MembershipLedger") == true
                    ? Walk(value, name, now, latestDay, isOrganization, depth + 1)
                    : null;
        }
    }

    private static bool IsAccountName(string member) => member is "Username" or "NewName";

    private static LedgerProblem? CheckDate(string name, LocalDate first, LocalDate last, LocalDate latestDay)
    {
        if (last < Plausibility.EarliestDate)
            return LedgerProblem.Field(name, $"{last:yyyy-MM-dd} is before Wikipedia existed (2001-01-15); check the year.");
        if (first > latestDay)
            return LedgerProblem.Field(name, $"{first:yyyy-MM-dd} is more than {PlanningHorizon.Years} years ahead; check the year.");
        return null;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Text PostgreSQL's jsonb can store and a person can read.</summary>
    public static class Text
    {
        /// <summary>Null when fine; else why not. NUL and broken UTF-16 cannot be stored; other control characters but line breaks and tabs are refused.</summary>
        public static string? Invalid(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                if (char.IsSurrogate(c)) return "must be valid Unicode (it holds half of a surrogate pair).";
                if (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) return "must not contain control characters.";
            }
            return null;
        }

    }
}
