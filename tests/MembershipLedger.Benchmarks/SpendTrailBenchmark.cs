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
        await BenchLedger.InClusterAsync(async (cluster, directory) =>
        {
            await using var db = LedgerStore.CreateDataSource(cluster.ConnectionString);
            var clock = new FakeClock(Instant.FromUtc(2024, 1, 1, 0, 0));
            await using var store = await LedgerStore.OpenAsync(db, clock);

            const string grantId = "bench-grant";
            var start = BenchLedger.GrantStart;
            var lines = BenchLedger.GrantLines;
            var write = Stopwatch.StartNew();
            await BenchLedger.AppendGrantAsync(store, clock, "bench-group", grantId, expenses, registerGroup: true);
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
            var worst = new[] { Median(firstPage), Median(last), Median(asOf) }.Max();
            Summary.Add($"Spend trail of {expenses:N0} expenses: first, last and as-of page (median)", $"{Median(firstPage):F1} / {Median(last):F1} / {Median(asOf):F1} ms",
                $"Marten's replay of the grant: {Median(replay):F0} ms", "each ≤ 10 ms", worst <= 10);
            Console.Error.WriteLine($"  ({expenses:N0} expenses appended through Marten with inline projections in {write.Elapsed.TotalSeconds:F0} s; "
                                    + $"spent {view.Totals.Spent:N2} = sum of lines {view.Lines.Sum(l => l.Spent):N2})");
        });
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
