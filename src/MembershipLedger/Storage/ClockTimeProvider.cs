using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Storage;

/// <summary>
/// The store's recording clock: Marten stamps every appended event from this provider. It reads the
/// ledger's <see cref="IClock"/> (a FakeClock in tests) and drops sub-microsecond ticks so a timestamp
/// survives the round trip through PostgreSQL unchanged.
/// </summary>
public sealed class ClockTimeProvider(IClock clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => clock.GetCurrentInstant().TruncateToMicroseconds().ToDateTimeOffset();
}
