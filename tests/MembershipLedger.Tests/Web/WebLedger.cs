using System.Net;
using MembershipLedger.Tests.Faults;
using MembershipLedger.Tests.Infrastructure;
using Microsoft.Playwright;
using Npgsql;

namespace MembershipLedger.Tests.Web;

/// <summary>
/// The ledger as a new user meets it: its own program started on an empty database (so it loads the sample pages),
/// and Debian's chromium driven by Playwright against the address it prints.
/// </summary>
public sealed class WebLedger : IAsyncLifetime
{
    private TestDatabase _cluster = null!;
    private LedgerProcess _host = null!;
    private IPlaywright _playwright = null!;

    public Uri Address { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots (beside the test assembly).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _cluster = await TestDatabase.AcquireAsync();
        var database = $"web_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"create database {database}", connection).ExecuteNonQueryAsync();
        }
        (_host, Address) = LedgerProcess.StartHost(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = database }.ConnectionString);
        // The greeting is printed once the host is up and the samples are loaded.
        await _host.WaitForOutputAsync("Press Ctrl+C to stop.", TimeSpan.FromMinutes(2));

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("LEDGER_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // The machine's network is closed: chromium's background connections would only fail.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page that fails the test on a console error or a failed request (other than the answers listed).</summary>
    public async Task<(IPage Page, List<string> Failures)> OpenAsync(int width = 1200, params HttpStatusCode[] expected)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        var failures = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") failures.Add($"console: {message.Text}"); };
        page.RequestFailed += (_, request) => failures.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !expected.Contains((HttpStatusCode)response.Status)) failures.Add($"{response.Status}: {response.Url}");
        };
        return (page, failures);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_host is not null)
        {
            // What the host logged, for a failure to be read after the run.
            await File.WriteAllTextAsync(Path.Combine(Screenshots, "host.log"), _host.Output);
            await _host.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await _cluster.DisposeAsync();
    }
}
