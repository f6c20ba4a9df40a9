using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MembershipLedger.Access;
using MembershipLedger.Api.Database;
using MembershipLedger.Groups;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

/// <summary>
/// Sign-ups over loopback HTTP from 1, 8 and 32 concurrent clients (wrk, 10 s each) to 32 groups, every one a new member;
/// then the proof that nothing acknowledged was lost: the ledger holds at least as many sign-ups as wrk counted answers,
/// each member once, and the chain verifies. Beside it, PostgreSQL's own speed for a write of the same size: one event
/// row inserted and committed per transaction into a copy of the event table, from the same number of connections.
/// The cluster flushes every commit to disk (fsync on), as a ledger's does.
/// </summary>
public static partial class WriteBenchmark
{
    private const int Groups = 32;

    public static async Task RunAsync(int[] clients)
    {
        await BenchLedger.InClusterAsync(async (cluster, directory) =>
        {
            string key;
            await using (var db = LedgerStore.CreateDataSource(cluster.ConnectionString))
            await using (var store = await LedgerStore.OpenAsync(db, SystemClock.Instance))
            await using (var session = store.LightweightSession())
            {
                for (var g = 0; g < Groups; g++)
                    session.Events.StartStream<GroupProfile>($"bench-{g}", new GroupRegistered($"bench-{g}", new GroupProfileDetails(
                        $"Benchmark Group {g}", GroupKind.UserGroup, "TJ", ["tg"], DateTimeZoneProviders.Tzdb["Asia/Dushanbe"], null, [])));
                var issued = ApiKeys.Issue("bench", AccessRole.Admin, null, SystemClock.Instance.GetCurrentInstant(), "benchmark");
                session.Insert(issued.Key);
                await session.SaveChangesAsync();
                key = issued.Token;
            }

            var (app, address) = await BenchLedger.StartHostAsync(cluster.ConnectionString);
            await using var host = app;
            long acknowledged = 0;
            foreach (var n in clients)
            {
                await HttpReadBenchmark.Wrk(address, await ScriptAsync(directory, key, $"w{n}"), seconds: 2, connections: n);
                using var sampling = new CancellationTokenSource();
                var waitingForSeal = WaitingForSealAsync(cluster.ConnectionString, sampling.Token);
                var output = await HttpReadBenchmark.Wrk(address, await ScriptAsync(directory, key, $"c{n}"), seconds: 10, connections: n);
                await sampling.CancelAsync();
                var waiting = await waitingForSeal;
                var (rps, p50, p99) = HttpReadBenchmark.ParseWrk(output);
                // Little's law: the mean time an event waits for its seal is the mean number waiting over the rate of appends.
                Console.Error.WriteLine($"  {n} client(s): events committed and not yet sealed, sampled every 50 ms: mean {waiting.Average():N1}, " +
                    $"max {waiting.Max():N0} ({waiting.Count} samples); so an event waits {waiting.Average() / rps * 1000:N1} ms for its seal on average");
                acknowledged += long.Parse(Completed().Match(output).Groups["n"].Value, CultureInfo.InvariantCulture);
                var (baseRps, baseP99) = await BaselineAsync(cluster.ConnectionString, n);
                Console.WriteLine($"| {n} | {rps:N0} | {p50:N2} | {p99:N2} | {baseRps:N0} | {baseP99:N2} | {rps / baseRps:N2} |");
                Summary.Add($"HTTP: sign-ups from {n} concurrent client{(n == 1 ? "" : "s")} to {Groups} groups (wrk)", $"{rps:N0}/s, p99 {p99:N1} ms",
                    $"one-row commits: {baseRps:N0}/s, p99 {baseP99:N1} ms", n == 32 ? "≥ 1,000/s, p99 ≤ 50 ms" : "measured", n == 32 ? rps >= 1000 && p99 <= 50 : null);
            }
            await app.StopAsync();

            await using (var db = LedgerStore.CreateDataSource(cluster.ConnectionString))
            await using (var store = await LedgerStore.OpenAsync(db, SystemClock.Instance))
            {
                await using var count = db.CreateCommand(
                    $"""
                     select (select count(*) from {LedgerSchema.Name}.mt_events where type = 'member-signed-up' and data ->> 'username' like 'Writer %'),
                            (select count(distinct (group_id, username)) from {LedgerSchema.MembershipIntervals} where username like 'Writer %' and upper_inf(known_during))
                     """);
                await using var reader = await count.ExecuteReaderAsync();
                await reader.ReadAsync();
                var (events, members) = (reader.GetInt64(0), reader.GetInt64(1));
                var chain = await EventChain.VerifyAsync(store);
                Console.Error.WriteLine($"  acknowledged by wrk (warm-ups included): {acknowledged:N0}; sign-up events: {events:N0}; members on the rosters: {members:N0}; chain intact: {chain.Intact} over {chain.Events:N0} events");
                if (events < acknowledged || members != events || !chain.Intact)
                    throw new InvalidOperationException("An acknowledged sign-up is missing, doubled, or the chain does not verify.");
            }
        });
    }

    /// <summary>
    /// How many committed events wait for the chain's sealer (the notes visible to another transaction), sampled every
    /// 50 ms on a connection of its own until <paramref name="ct"/> is cancelled.
    /// </summary>
    private static async Task<List<double>> WaitingForSealAsync(string connectionString, CancellationToken ct)
    {
        var counts = new List<double>();
        await using var db = LedgerStore.CreateDataSource(connectionString);
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var sample = new NpgsqlCommand($"select count(*) from {EventChain.PendingTable}", connection);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) counts.Add((long)(await sample.ExecuteScalarAsync(CancellationToken.None))!);
        }
        catch (OperationCanceledException)
        {
        }
        return counts.Count == 0 ? [0] : counts;
    }

    /// <summary>A wrk script in <paramref name="directory"/>: each request a new member (run, thread and counter in the name), the groups in turn.</summary>
    private static async Task<string> ScriptAsync(string directory, string key, string run)
    {
        var script = Path.Combine(directory, $"sign-ups-{run}.lua");
        await File.WriteAllTextAsync(script, $$"""
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        local n = 0
        request = function()
          n = n + 1
          local body = '{"username":"Writer {{run}} ' .. tid .. ' ' .. n .. '","signedAt":"2026-01-01T00:00:00Z"}'
          return wrk.format("POST", "/groups/bench-" .. ((n + tid) % {{Groups}}) .. "/members",
            { ["Content-Type"] = "application/json", ["X-Api-Key"] = "{{key}}" }, body)
        end
        local told = false
        response = function(status, headers, body)
          if status >= 300 and not told then
            told = true
            io.stderr:write("refused: " .. status .. " " .. body .. "\n")
          end
        end
        """);
        return script;
    }

    /// <summary>PostgreSQL alone: one sign-up-sized event row per committed transaction, into a copy of the event table without the ledger's trigger.</summary>
    private static async Task<(double Rps, double P99)> BaselineAsync(string connectionString, int connections)
    {
        await using var db = LedgerStore.CreateDataSource(connectionString);
        await using (var create = db.CreateCommand(
                         $"drop table if exists bench_events; drop sequence if exists bench_seq; create sequence bench_seq; create table bench_events (like {LedgerSchema.Name}.mt_events including defaults including indexes)"))
            await create.ExecuteNonQueryAsync();
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            await using var connection = await db.OpenConnectionAsync();
            var n = 0;
            while (until.Elapsed < TimeSpan.FromSeconds(10))
            {
                var sw = Stopwatch.StartNew();
                await using var insert = new NpgsqlCommand(
                    """
                    insert into bench_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived)
                    values (nextval('bench_seq'), gen_random_uuid(), $1, 1, $2::jsonb, 'member-signed-up', now(), '*DEFAULT*', 'x', false)
                    """, connection)
                {
                    Parameters =
                    {
                        new() { Value = $"affiliation:bench-{worker % Groups}:writer-{worker}-{n}" },
                        new() { Value = $$"""{"groupId":"bench-{{worker % Groups}}","username":"Writer {{worker}} {{n++}}","kind":"individual","signUpId":"{{Guid.NewGuid()}}","signedAt":"2026-01-01T00:00:00Z"}""" },
                    },
                };
                await insert.ExecuteNonQueryAsync();
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToList();
        return (sorted.Count / until.Elapsed.TotalSeconds, sorted[(int)(sorted.Count * 0.99)]);
    }

    [GeneratedRegex(@"(?<n>\d+) requests in")]
    private static partial Regex Completed();
}
