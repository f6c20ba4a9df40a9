using System.Diagnostics;
using MembershipLedger.Api.Database;
using NodaTime;

/// <summary>
/// The group page as a browser asks for it (roster at a date, the members-over-time chart drawn as SVG, the compare
/// form, roles and timeline in one HTML answer) for a group with a long history, beside the JSON roster of the same
/// date, both over loopback HTTP from the host the README's first command runs.
/// </summary>
public static class WebPageBenchmark
{
    public static async Task RunAsync(int events)
    {
        const string group = BenchLedger.Group;
        await BenchLedger.InClusterAsync(async (cluster, directory) =>
        {
            var start = BenchLedger.Start;
            await BenchLedger.CreateAsync(cluster.ConnectionString, events);
            var (app, address) = await BenchLedger.StartHostAsync(cluster.ConnectionString);
            await using var host = app;
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            var random = new Random(7);
            var days = (int)(events / (24.0 * 60)); // one simulated minute per event
            string Day() => start.Plus(Duration.FromDays(random.Next(1, Math.Max(2, days)))).InUtc().Date.ToString("yyyy-MM-dd", null);
            var (page, pageP95, size) = await TimeAsync(http, () => $"/web/groups/{group}?date={Day()}");
            var (json, jsonP95, _) = await TimeAsync(http, () => $"/groups/{group}/roster?asOf={Day()}");
            Console.WriteLine($"| {events:N0} | {page:N1} | {pageP95:N1} | {json:N1} | {jsonP95:N1} | {size / 1024.0:N0} |");
            await app.StopAsync();
        });
    }

    private static async Task<(double Median, double P95, long Bytes)> TimeAsync(HttpClient http, Func<string> url)
    {
        for (var i = 0; i < 20; i++) (await http.GetAsync(url())).EnsureSuccessStatusCode();
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < 200; i++)
        {
            var sw = Stopwatch.StartNew();
            var body = await (await http.GetAsync(url())).EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
            times.Add(sw.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)(times.Count * 0.95)], bytes);
    }
}
