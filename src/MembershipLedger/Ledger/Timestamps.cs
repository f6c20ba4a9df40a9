using NodaTime;

namespace MembershipLedger.Ledger;

public static class Timestamps
{
    /// <summary>Marten's event timestamp (the store's recording time) as a NodaTime instant.</summary>
    public static Instant ToInstant(this DateTimeOffset timestamp) => Instant.FromDateTimeOffset(timestamp);

    /// <summary>
    /// PostgreSQL keeps microseconds; truncating here makes an instant read back from a table equal to
    /// the one that was written, which the bitemporal "known at" comparisons depend on.
    /// </summary>
    public static Instant TruncateToMicroseconds(this Instant instant) =>
        Instant.FromUnixTimeTicks(instant.ToUnixTimeTicks() / 10 * 10);
}
