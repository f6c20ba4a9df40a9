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
    /// <summary>Expenses on the benchmark's grant, whose spend trail is read under load beside the roster.</summary>
    public const int Expenses = 10_000;

    public static async Task RunAsync(int events)
    {
        const string group = BenchLedger.Group;
        await BenchLedger.InClusterAsync(async (cluster, directory) =>
        {
            var start = BenchLedger.Start;
            await BenchLedger.CreateAsync(cluster.ConnectionString, events, Expenses);
            var days = Math.Max(2, (int)(events / (24.0 * 60))); // one simulated minute per event
            var knownAt = start.Plus(Duration.FromDays(days / 2.0));

            // PostgreSQL's own speed: the roster's statements, and a plain indexed SELECT of a trail page's rows, from 32 connections for 10 s each.
            var (baseRps, baseP99) = await BaselineAsync(cluster.ConnectionString, (db, random) =>
                RosterQuery.LoadAsync(db, group, start.Plus(Duration.FromDays(random.Next(1, days) + 1)) - Duration.FromTicks(10),
                    random.Next(2) == 0 ? null : knownAt, default));
            var (trailBaseRps, trailBaseP99) = await BaselineAsync(cluster.ConnectionString, async (db, random) =>
            {
                await using var page = db.CreateCommand(
                    $"select * from {LedgerSchema.GrantEntries} where grant_id = $1 and effective_on >= $2 order by grant_id, effective_on, seq, ordinal limit 100");
                page.Parameters.Add(new() { Value = BenchLedger.Grant });
                page.Parameters.Add(new() { Value = BenchLedger.GrantStart.PlusDays(random.Next(365)).ToDateOnly() });
                await using var reader = await page.ExecuteReaderAsync();
                while (await reader.ReadAsync()) { }
            });

            var (app, address) = await BenchLedger.StartHostAsync(cluster.ConnectionString);
            await using var host = app;
            var dates = $$"""
                math.randomseed(7)
                local start = {{start.ToUnixTimeSeconds()}}
                local known = "{{knownAt}}"
                local function date() return os.date("!%Y-%m-%d", start + math.random(1, {{days}}) * 86400) end

                """;
            var roster = await LoadAsync(address, directory, "roster", dates + $$"""
                request = function()
                  local path = "/groups/{{group}}/roster?asOf=" .. date()
                  if math.random() < 0.5 then path = path .. "&knownAt=" .. known end
                  return wrk.format("GET", path)
                end
                """ + AnswerCounts);
            Console.WriteLine($"| {events:N0} | {roster.Rps:N0} | {roster.P50:N2} | {roster.P99:N2} | {baseRps:N0} | {baseP99:N2} | {roster.Rps / baseRps:N2} |");
            var page = await LoadAsync(address, directory, "page", dates + $$"""
                request = function() return wrk.format("GET", "/web/groups/{{group}}?date=" .. date()) end
                """);
            var trail = await LoadAsync(address, directory, "trail", $$"""
                math.randomseed(7)
                local grantStart = {{BenchLedger.GrantStart.AtMidnight().InUtc().ToInstant().ToUnixTimeSeconds()}}
                request = function()
                  local path = "/grants/{{BenchLedger.Grant}}/spend-trail?limit=100&after=" .. math.random(0, {{Expenses}})
                  if math.random() < 0.5 then path = path .. "&asOf=" .. os.date("!%Y-%m-%d", grantStart + math.random(0, 364) * 86400) end
                  return wrk.format("GET", path)
                end
                """);
            Console.Error.WriteLine($"  group page (wrk, 32 connections): {page.Rps:N0} requests/s, p50 {page.P50:N2} ms, p99 {page.P99:N2} ms");
            Console.Error.WriteLine($"  spend trail of {Expenses:N0} expenses, random pages and dates: {trail.Rps:N0} requests/s, p50 {trail.P50:N2} ms, p99 {trail.P99:N2} ms; PostgreSQL's plain page SELECT {trailBaseRps:N0}/s, p99 {trailBaseP99:N2} ms");
            Summary.Add($"HTTP: roster at a date, {events:N0} events of history (wrk, 32 connections)", $"{roster.Rps:N0} req/s, p99 {roster.P99:N1} ms",
                $"roster statements: {baseRps:N0}/s, p99 {baseP99:N1} ms", "≥ 5,000 req/s, p99 ≤ 20 ms", roster.Rps >= 5000 && roster.P99 <= 20);
            Summary.Add("HTTP: a group's web page at a date (wrk, 32 connections)", $"{page.Rps:N0} req/s, p99 {page.P99:N0} ms",
                $"roster statements: {baseRps:N0}/s", "measured", null);
            Summary.Add($"HTTP: spend trail pages of {Expenses:N0} expenses (wrk, 32 connections)", $"{trail.Rps:N0} req/s, p99 {trail.P99:N1} ms",
                $"plain indexed page SELECT: {trailBaseRps:N0}/s, p99 {trailBaseP99:N1} ms", "measured", null);
            await app.StopAsync();
        });
    }

    /// <summary>Lua for wrk: counts the answers by where they came from (<c>Ledger-Answer</c>) and prints the counts at the end.</summary>
    private const string AnswerCounts = """

        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args) kept = 0; fresh = 0; other = 0 end
        response = function(status, headers, body)
          local a = headers["Ledger-Answer"]
          if a == "kept" then kept = kept + 1 elseif a == "fresh" then fresh = fresh + 1 else other = other + 1 end
        end
        function done(summary, latency, requests)
          local k, f, o = 0, 0, 0
          for _, t in ipairs(threads) do k = k + t:get("kept"); f = f + t:get("fresh"); o = o + t:get("other") end
          io.write(string.format("answers: kept %d, fresh %d, other %d\n", k, f, o))
        end
        """;

    /// <summary>wrk with <paramref name="lua"/>: 3 s of warm-up (code generation, pools, caches), then 10 s measured.</summary>
    private static async Task<(double Rps, double P50, double P99)> LoadAsync(string address, string directory, string name, string lua)
    {
        var script = Path.Combine(directory, $"{name}.lua");
        await File.WriteAllTextAsync(script, lua);
        await Wrk(address, script, seconds: 3);
        var output = await Wrk(address, script, seconds: 10);
        if (output.Split('\n').FirstOrDefault(l => l.StartsWith("answers: ", StringComparison.Ordinal)) is { } answers)
            Console.Error.WriteLine($"  {name}: {answers}");
        return ParseWrk(output);
    }

    /// <summary>PostgreSQL alone: <paramref name="question"/> asked from 32 connections for 10 s.</summary>
    private static async Task<(double Rps, double P99)> BaselineAsync(string connectionString, Func<Npgsql.NpgsqlDataSource, Random, Task> question)
    {
        await using var db = LedgerStore.CreateDataSource(connectionString);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var until = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            var random = new Random(worker);
            while (until.Elapsed < TimeSpan.FromSeconds(10))
            {
                var sw = Stopwatch.StartNew();
                await question(db, random);
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToList();
        return (sorted.Count / until.Elapsed.TotalSeconds, sorted[(int)(sorted.Count * 0.99)]);
    }

    public static async Task<string> Wrk(string address, string script, int seconds, int connections = 32)
    {
        var wrk = Process.Start(new ProcessStartInfo("wrk", [$"-t{Math.Min(2, connections)}", $"-c{connections}", $"-d{seconds}s", "--timeout", "30s", "--latency", "-s", script, address])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var errors = wrk.StandardError.ReadToEndAsync();
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        // A script wrk cannot run makes it send "GET /" instead, and say so only on its standard error.
        if (wrk.ExitCode != 0 || output.Contains("Non-2xx") || (await errors).Contains("error", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"wrk failed or saw errors:\n{output}{await errors}");
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
