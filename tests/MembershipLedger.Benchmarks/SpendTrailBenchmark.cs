using System.Diagnostics;
using Marten;
using MembershipLedger.Api.Database;
using MembershipLedger.Grants;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Groups;
using MembershipLedger.Storage;
using NodaTime;
using NodaTime.Testing;

/// <summary>
/// One grant with a given number of expenses, appended through Marten with the inline projections as production
/// does; then the spend trail's first page, last page and an as-of page are timed, beside Marten's replay of the
/// grant's stream (what the trail would cost without its projection table).
/// </summary>
public static class SpendTrailBenchmark
{
    public static async Task RunAsync(int expenses)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Guid.NewGuid():N}");
        var cluster = await EmbeddedPostgres.StartAsync(directory);
        try
        {
            await using var db = LedgerStore.CreateDataSource(cluster.ConnectionString);
            var clock = new FakeClock(Instant.FromUtc(2024, 1, 1, 0, 0));
            await using var store = await LedgerStore.OpenAsync(db, clock);

            const string grantId = "bench-grant";
            var start = new LocalDate(2023, 1, 1);
            var lines = new[] { "accommodation", "transportation", "meals-and-catering", "t-shirts" };
            await using (var session = store.LightweightSession())
            {
                session.Events.StartStream<GroupProfile>("bench-group", new GroupRegistered("bench-group", new GroupProfileDetails(
                    "Benchmark User Group", GroupKind.UserGroup, "MA", ["ar"], DateTimeZoneProviders.Tzdb["Africa/Casablanca"], null, [])));
                session.Events.StartStream<Grant>(grantId, new GrantAwarded(grantId, "bench-group", "Wikimedia Foundation", "Annual Fund", "Benchmark",
                    start, start.PlusDays(364), "USD", 100_000_000m, lines.Select(l => new BudgetLine(l, l, 25_000_000m)).ToList(), start, null));
                await session.SaveChangesAsync();
            }

            var random = new Random(7);
            var write = Stopwatch.StartNew();
            for (var done = 0; done < expenses;)
            {
                await using var session = store.LightweightSession();
                var batch = new List<object>();
                for (var i = 0; i < 1000 && done < expenses; i++, done++)
                {
                    clock.Advance(Duration.FromSeconds(30));
                    var amount = random.Next(100, 100_000) / 100m;
                    batch.Add(new ExpenseRecorded(grantId, Guid.NewGuid(), lines[random.Next(lines.Length)], amount, "USD", null, amount,
                        start.PlusDays(random.Next(365)), "Payee", "Benchmark expense", null));
                }
                session.Events.Append(grantId, batch);
                await session.SaveChangesAsync();
            }
            write.Stop();
            await using (var vacuum = db.CreateCommand("vacuum analyze")) await vacuum.ExecuteNonQueryAsync();

            Grant grant;
            await using (var query = store.QuerySession()) grant = (await query.LoadAsync<Grant>(grantId))!;
            var lastPage = Math.Max(0, grant.ExpenseCount + lines.Length - 100);
            var mid = start.PlusDays(182);

            async Task<List<double>> Time(Func<Task> read)
            {
                for (var i = 0; i < 3; i++) await read();
                var times = new List<double>();
                for (var i = 0; i < 20; i++)
                {
                    var sw = Stopwatch.StartNew();
                    await read();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                return times;
            }

            SpendTrailView? view = null;
            var firstPage = await Time(async () => view = await SpendTrailQuery.LoadAsync(db, grant, null, 0, 100, default));
            var last = await Time(() => SpendTrailQuery.LoadAsync(db, grant, null, lastPage, 100, default));
            var asOf = await Time(() => SpendTrailQuery.LoadAsync(db, grant, mid, 0, 100, default));
            var replay = new List<double>();
            await using (var query = store.QuerySession())
                for (var i = 0; i < 3; i++)
                {
                    var sw = Stopwatch.StartNew();
                    await query.Events.AggregateStreamAsync<Grant>(grantId);
                    replay.Add(sw.Elapsed.TotalMilliseconds);
                }

            Console.WriteLine($"| {expenses:N0} | {Median(firstPage):F1} | {Median(last):F1} | {Median(asOf):F1} | {Median(replay):F0} | {view!.Totals.Remaining:N2} {grant.Currency} |");
            Console.Error.WriteLine($"  ({expenses:N0} expenses appended through Marten with inline projections in {write.Elapsed.TotalSeconds:F0} s; "
                                    + $"spent {view.Totals.Spent:N2} = sum of lines {view.Lines.Sum(l => l.Spent):N2})");
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
