using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MembershipLedger.Api.Database;
using MembershipLedger.Memberships.Roster;
using MembershipLedger.Storage;
using NodaTime;

/// <summary>
/// Roster questions over loopback HTTP, under load from a real load generator (wrk: 2 threads, 32 connections, 10 s,
/// random dates, half of them "as known at" a past moment), against a group with a long history; beside PostgreSQL's
/// own speed for the same question, the roster's two indexed statements run from 32 concurrent connections.
/// </summary>
public static partial class HttpReadBenchmark
{
    public static async Task RunAsync(int events)
    {
        const string group = BenchLedger.Group;
        var directory = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Guid.NewGuid():N}");
        var cluster = await EmbeddedPostgres.StartAsync(directory);
        try
        {
            var start = BenchLedger.Start;
            await BenchLedger.CreateAsync(cluster.ConnectionString, events);
            var days = Math.Max(2, (int)(events / (24.0 * 60))); // one simulated minute per event
            var knownAt = start.Plus(Duration.FromDays(days / 2.0));

            // PostgreSQL's own speed: the roster's statements, straight from 32 connections, for 10 s.
            var (baseRps, baseP99) = await BaselineAsync(cluster.ConnectionString, group, start, days, knownAt);

            var (app, address) = await BenchLedger.StartHostAsync(cluster.ConnectionString);
            await using var host = app;
            var script = Path.Combine(directory, "roster.lua");
            await File.WriteAllTextAsync(script, $$"""
                math.randomseed(7)
                local start = {{start.ToUnixTimeSeconds()}}
                local known = "{{knownAt}}"
                request = function()
                  local path = "/groups/{{group}}/roster?asOf=" .. os.date("!%Y-%m-%d", start + math.random(1, {{days}}) * 86400)
                  if math.random() < 0.5 then path = path .. "&knownAt=" .. known end
                  return wrk.format("GET", path)
                end
                """);
            await Wrk(address, script, seconds: 3); // warm-up: code generation, pools, caches
            var (rps, p50, p99) = ParseWrk(await Wrk(address, script, seconds: 10));
            Console.WriteLine($"| {events:N0} | {rps:N0} | {p50:N2} | {p99:N2} | {baseRps:N0} | {baseP99:N2} | {rps / baseRps:N2} |");
            await app.StopAsync();
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double Rps, double P99)> BaselineAsync(string connectionString, string group, Instant start, int days, Instant knownAt)
    {
        await using var db = LedgerStore.CreateDataSource(connectionString);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            var random = new Random(worker);
            while (until.Elapsed < TimeSpan.FromSeconds(10))
            {
                var at = start.Plus(Duration.FromDays(random.Next(1, days) + 1)) - Duration.FromTicks(10);
                var sw = Stopwatch.StartNew();
                await RosterQuery.LoadAsync(db, group, at, random.Next(2) == 0 ? null : knownAt, default);
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToList();
        return (sorted.Count / until.Elapsed.TotalSeconds, sorted[(int)(sorted.Count * 0.99)]);
    }

    public static async Task<string> Wrk(string address, string script, int seconds, int connections = 32)
    {
        var wrk = Process.Start(new ProcessStartInfo("wrk", [$"-t{Math.Min(2, connections)}", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, address])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0 || output.Contains("Non-2xx")) throw new InvalidOperationException($"wrk failed or saw errors:\n{output}{await wrk.StandardError.ReadToEndAsync()}");
        return output;
    }

    [GeneratedRegex(@"Requests/sec:\s+(?<rps>[\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(?<p>50|99)%\s+(?<v>[\d.]+)(?<unit>us|ms|s)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();

    public static (double Rps, double P50, double P99) ParseWrk(string output)
    {
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups["rps"].Value, CultureInfo.InvariantCulture);
        var percentiles = Percentile().Matches(output).ToDictionary(m => m.Groups["p"].Value, m =>
            double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) * (m.Groups["unit"].Value switch { "us" => 0.001, "s" => 1000, _ => 1 }));
        return (rps, percentiles["50"], percentiles["99"]);
    }
}
