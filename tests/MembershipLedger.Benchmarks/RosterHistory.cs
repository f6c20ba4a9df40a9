using Marten;
using MembershipLedger.Memberships;
using NodaTime;
using NodaTime.Testing;

/// <summary>
/// A long membership history for one group: a pool of 500 people who alternately sign up and withdraw, one simulated
/// minute per event, appended through Marten with the inline projections (as in production), 1,000 a session.
/// </summary>
public static class RosterHistory
{
    /// <returns>The affiliation streams written.</returns>
    public static async Task<IReadOnlySet<string>> AppendAsync(IDocumentStore store, FakeClock clock, string group, int totalEvents)
    {
        const int people = 500;
        // Valid times advance with recording times, so the roster at any date holds about half of the pool while
        // the history grows with every cycle.
        var started = new HashSet<string>();
        var signUps = new Dictionary<string, Guid>();
        var random = new Random(42);
        var appended = 1;
        while (appended < totalEvents)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < 1000 && appended < totalEvents; i++, appended++)
            {
                clock.Advance(Duration.FromMinutes(1));
                var name = $"Member {random.Next(people):D3}";
                var key = Affiliation.StreamKey(group, name);
                object e = signUps.Remove(name, out var signUpId)
                    ? new MemberWithdrew(group, name, signUpId, clock.GetCurrentInstant())
                    : new MemberSignedUp(group, name, MemberKind.Individual, signUps[name] = Guid.NewGuid(), clock.GetCurrentInstant());
                if (started.Add(key)) session.Events.StartStream<Affiliation>(key, e);
                else session.Events.Append(key, e);
            }
            await session.SaveChangesAsync();
        }
        return started;
    }
}
