using System.Diagnostics;
using Marten;
using MembershipLedger.Api.Database;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.Roster;
using MembershipLedger.Storage;
using NodaTime;
using NodaTime.Testing;
using Npgsql;

// Roster-at-a-date latency against the length of history, beside Marten's own replay of the same streams.
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- [events ...]   (default: 10000 100000 1000000)
// The spend trail of one grant against its number of expenses:
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- spend-trail [expenses ...]   (default: 100000)
// NDJSON import (one transaction, projected inline) beside a raw COPY of the same rows:
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- import [events ...]   (default: 100000)
// A group's web page (roster, members-over-time chart, compare form, roles, timeline) beside the JSON roster:
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- web [events ...]   (default: 100000)
// Roster questions over HTTP under load (wrk), beside PostgreSQL answering the same statements:
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- http [events ...]   (default: 100000)
// Sign-ups over HTTP from concurrent clients (wrk), beside PostgreSQL's own one-row commits:
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- writes [clients ...]   (default: 1 8 32)
// Everything above at 100k events, then one table of every measurement beside its PostgreSQL baseline (docs/benchmarks.md):
//   dotnet run -c Release --project tests/MembershipLedger.Benchmarks -- all [events]
// Each size gets a fresh throwaway cluster from the installed PostgreSQL binaries.
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var mode = args.FirstOrDefault() is { } first && !char.IsDigit(first[0]) ? first : "roster";
var given = args.SkipWhile(a => !char.IsDigit(a[0])).Select(int.Parse).ToArray();
int[] Sizes(params int[] defaults) => given.Length > 0 ? given : defaults;
switch (mode)
{
    case "all":
        // The whole suite at 100k events (sizes given apply to every part), then the table docs/benchmarks.md holds.
        var size = given.FirstOrDefault(100_000);
        await Roster([size]);
        await SpendTrail([size]);
        await Import([size]);
        await Writes([1, 8, 32]);
        await Http([size]);
        Summary.Print();
        break;
    case "import": await Import(Sizes(100_000)); break;
    case "web": await Web(Sizes(100_000)); break;
    case "http": await Http(Sizes(100_000)); break;
    case "writes": await Writes(Sizes(1, 8, 32)); break;
    case "spend-trail": await SpendTrail(Sizes(100_000)); break;
    default: await Roster(Sizes(10_000, 100_000, 1_000_000)); break;
}

static async Task Import(int[] sizes)
{
    Console.WriteLine("| events | NDJSON (MB) | raw COPY of the same rows (s) | import, projected inline (s) | a full rebuild afterwards (s) |");
    Console.WriteLine("|---:|---:|---:|---:|---:|");
    foreach (var size in sizes) await ImportBenchmark.RunAsync(size);
}

static async Task Web(int[] sizes)
{
    Console.WriteLine("| events of history | group page: median (ms) | p95 (ms) | JSON roster: median (ms) | p95 (ms) | page size (KB) |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var size in sizes) await WebPageBenchmark.RunAsync(size);
}

static async Task Http(int[] sizes)
{
    // Roster questions under load from wrk (apt-get install wrk), beside PostgreSQL answering the same statements directly;
    // then the group's web page and the spend trail under the same load.
    Console.WriteLine("| events of history | HTTP roster: requests/s | p50 (ms) | p99 (ms) | PostgreSQL, same statements: questions/s | p99 (ms) | ratio |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var size in sizes) await HttpReadBenchmark.RunAsync(size);
}

static async Task Writes(int[] clients)
{
    // Sign-ups over HTTP from 1, 8 and 32 clients (wrk), beside PostgreSQL committing rows of the same size from as many connections.
    Console.WriteLine("| concurrent clients | sign-ups acknowledged/s | p50 (ms) | p99 (ms) | PostgreSQL, one-row commits/s | p99 (ms) | ratio |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    await WriteBenchmark.RunAsync(clients);
}

static async Task SpendTrail(int[] sizes)
{
    Console.WriteLine("| expenses | first page of 100 (ms) | last page of 100 (ms) | as of mid-period, first page (ms) | grant replay by Marten (ms) | remaining |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var size in sizes) await SpendTrailBenchmark.RunAsync(size);
}

static async Task Roster(int[] sizes)
{
    Console.WriteLine("| events of history | rows in membership_intervals | roster: projection median (ms) | p95 (ms) | roster: Marten replay median (ms) | members on the roster |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
    foreach (var size in sizes) await RunAsync(size);
}

static async Task RunAsync(int totalEvents)
{
    const string group = "bench-group";
    await BenchLedger.InClusterAsync(async (cluster, directory) =>
    {
        await using var db = LedgerStore.CreateDataSource(cluster.ConnectionString);
        // History is simulated over years: the store's recording clock advances one minute per event.
        var clock = new FakeClock(Instant.FromUtc(2015, 1, 1, 0, 0));
        await using var store = await LedgerStore.OpenAsync(db, clock);

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<GroupProfile>(group, new GroupRegistered(group, new GroupProfileDetails(
                "Benchmark User Group", GroupKind.UserGroup, "TJ", ["tg"], DateTimeZoneProviders.Tzdb["Asia/Dushanbe"], null, [])));
            await session.SaveChangesAsync();
        }

        var random = new Random(42);
        var write = Stopwatch.StartNew();
        var started = await RosterHistory.AppendAsync(store, clock, group, totalEvents);
        write.Stop();
        // What autovacuum does in a live database: drop the index entries of superseded row versions.
        await using (var vacuum = db.CreateCommand("vacuum analyze")) await vacuum.ExecuteNonQueryAsync();

        var first = Instant.FromUtc(2015, 1, 1, 0, 0);
        var span = clock.GetCurrentInstant() - first;
        var askAt = Enumerable.Range(0, 200).Select(_ => first + span * random.NextDouble()).ToArray();
        // Half the questions as known now, half as known at a moment in the past: both paths are measured.
        Instant? KnownFor(int i) => i % 2 == 0 ? null : first + span * (0.5 + random.NextDouble() / 2);
        var known = clock.GetCurrentInstant();

        for (var i = 0; i < 20; i++) await RosterQuery.LoadAsync(db, group, askAt[i], KnownFor(i), default);
        var projection = new List<double>();
        var count = 0;
        for (var i = 0; i < askAt.Length; i++)
        {
            var at = askAt[i];
            var sw = Stopwatch.StartNew();
            var roster = await RosterQuery.LoadAsync(db, group, at, KnownFor(i), default);
            projection.Add(sw.Elapsed.TotalMilliseconds);
            count = roster.Members.Count;
        }

        // Marten's own answer to the same question: aggregate every affiliation stream of the group to the timestamp.
        var replay = new List<double>();
        await using (var query = store.QuerySession())
        {
            foreach (var at in askAt.Take(totalEvents >= 1_000_000 ? 3 : 10))
            {
                var sw = Stopwatch.StartNew();
                var members = 0;
                foreach (var key in started)
                    if ((await query.Events.AggregateStreamAsync<Affiliation>(key, timestamp: at.ToDateTimeOffset()))?.IsMember == true) members++;
                replay.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        if (Environment.GetEnvironmentVariable("LEDGER_BENCH_EXPLAIN") == "1")
        {
            foreach (var line in await RosterQuery.ExplainAsync(db, group, askAt[0], known, CancellationToken.None))
                Console.Error.WriteLine("  " + line);
        }

        long rows;
        await using (var countRows = db.CreateCommand($"select count(*) from {LedgerSchema.MembershipIntervals}"))
            rows = (long)(await countRows.ExecuteScalarAsync())!;
        Console.WriteLine($"| {totalEvents:N0} | {rows:N0} | {Median(projection):F3} | {Percentile(projection, 0.95):F3} | {Median(replay):F1} | {count} |");
        Summary.Add($"Roster at a date, {totalEvents:N0} events of history (median, p95)", $"{Median(projection):F2} ms, p95 {Percentile(projection, 0.95):F2} ms",
            $"Marten's replay of the streams: {Median(replay):F0} ms", "≤ 1 ms median at 100k", totalEvents == 100_000 ? Median(projection) <= 1 : null);
        Console.Error.WriteLine($"  ({totalEvents:N0} events appended through Marten with inline projections in {write.Elapsed.TotalSeconds:F0} s)");
    });
}

static double Median(List<double> values) => Percentile(values, 0.5);
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
