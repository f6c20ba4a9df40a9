using NodaTime;

namespace MembershipLedger.Ledger;

/// <summary>Bounds on when a recorded fact can have happened.</summary>
public static class Plausibility
{
    /// <summary>No wiki signature predates Wikipedia (15 January 2001); earlier instants are typos.</summary>
    public static readonly Instant Earliest = Instant.FromUtc(2001, 1, 15, 0, 0);

    /// <summary>The same bound for calendar dates (an activity's day, a grant's period).</summary>
    public static readonly LocalDate EarliestDate = new(2001, 1, 15);

    /// <summary>Clock skew tolerated between a caller and the ledger before "now" counts as the future.</summary>
    public static readonly Duration Skew = Duration.FromMinutes(5);

    /// <summary>A problem naming <paramref name="field"/> when <paramref name="value"/> is before 2001 or in the future.</summary>
    public static LedgerProblem? Check(string field, Instant value, Instant now)
    {
        if (value < Earliest) return LedgerProblem.Field(field, $"{value} is before Wikipedia existed (2001-01-15); check the year.");
        if (value > now + Skew) return LedgerProblem.Field(field, $"{value} is in the future; the ledger records what has happened.");
        return null;
    }

    /// <summary>A problem naming "reason" when a correction arrives without one.</summary>
    public static LedgerProblem? RequireReason(string? reason, string what) =>
        string.IsNullOrWhiteSpace(reason) ? LedgerProblem.Field("reason", $"A reason is required for {what}.") : null;
}
