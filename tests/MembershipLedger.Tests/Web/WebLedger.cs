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
    public string ConnectionString { get; private set; } = null!;

    /// <summary>The key the greeting printed for the local admin.</summary>
    public string AdminKey => _host.AdminKey;
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
        ConnectionString = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = database }.ConnectionString;
        (_host, Address) = LedgerProcess.StartHost(ConnectionString);
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

    /// <summary>A key issued as an admin issues one: by the command line.</summary>
    public async Task<string> IssueKeyAsync(string principal, string role, string? group = null)
    {
        string[] args = ["keys", "create", "--principal", principal, "--role", role, .. group is null ? Array.Empty<string>() : ["--group", group]];
        var (exit, output) = await LedgerProcess.RunAsync(ConnectionString, args);
        Assert.True(exit == 0, output);
        return output.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Single(w => w.StartsWith("mlk_"));
    }

    public async Task<long> EventCountAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (long)(await new NpgsqlCommand("select count(*) from ledger.mt_events", connection).ExecuteScalarAsync())!;
    }

    /// <summary>Signs the page's browser in with <paramref name="key"/> through the sign-in page, as a person does.</summary>
    public async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync(new Uri(Address, "/web/sign-in").ToString());
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#signed-in")).ToBeVisibleAsync();
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
