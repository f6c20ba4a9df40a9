using System.Net.Http.Json;
using Marten;
using MembershipLedger.Access;
using MembershipLedger.Api.Access;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using OpenTelemetry.Trace;
using System.Diagnostics;

namespace MembershipLedger.Tests.Infrastructure;

/// <summary>
/// One ledger host for all integration tests, on real PostgreSQL through Marten exactly as in production.
/// The clock is a <see cref="FakeClock"/> so recording times (and so "known at" questions) are deterministic.
/// </summary>
public sealed class LedgerApp : IAsyncLifetime
{
    /// <summary>Tests start "now" here; every sample fact in the seed pages lies before it.</summary>
    public static readonly Instant Start = Instant.FromUtc(2024, 6, 1, 12, 0);

    private TestDatabase? _database;
    private WebApplicationFactory<Program>? _factory;

    public FakeClock Clock { get; } = new(Start);
    /// <summary>A client holding an admin's key (reissued after every reset), as most tests act as the ledger's admin.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client with no key: the public.</summary>
    public HttpClient Anonymous { get; private set; } = null!;
    /// <summary>The spans the host finished since the last reset, as an exporter would receive them.</summary>
    public SpanLog Spans { get; } = new();

    public IDocumentStore Store => _factory!.Services.GetRequiredService<IDocumentStore>();
    public IServiceProvider Services => _factory!.Services;
    public string ConnectionString => _database!.ConnectionString;

    /// <summary>A client that keeps cookies and does not follow redirects, as a browser's requests look to the pages.</summary>
    public HttpClient BrowserClient() =>
        _factory!.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.AcquireAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:Ledger", _database.ConnectionString);
            web.UseSetting("Ledger:LoadSamples", "false");
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<IClock>(Clock);
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            });
        });
        Client = _factory.CreateClient();
        Anonymous = _factory.CreateClient();
        await ResetAsync();
    }

    /// <summary>
    /// Empties the event store, the documents and the projections' tables, and rewinds the clock. The daemon keeps
    /// running across tests: it is let finish the last test's events first (or it would write them into the next test's
    /// tables), and the event sequence goes on rather than restarting, as its position stays where it was.
    /// </summary>
    public async Task ResetAsync()
    {
        await CaughtUpAsync();
        // Not Marten's DeleteAllDocuments: it truncates every mt_ table, the daemon's progression with them. The host's
        // data-protection keys stay too: the running host protects cookies and form tokens with them.
        var documents = (string?)await ExecuteSqlAsync(
            $"select string_agg(format('%I.%I', schemaname, tablename), ', ') from pg_tables where schemaname = '{LedgerSchema.Name}' and tablename like 'mt\\_doc\\_%' and tablename <> 'mt_doc_dataprotectionkey'");
        await ExecuteSqlAsync(
            $"truncate {string.Join(", ", [.. LedgerSchema.ProjectionTables, EventChain.Table, EventChain.PendingTable, LedgerProjections.DeadLetterTable,
                $"{LedgerSchema.Name}.mt_events", $"{LedgerSchema.Name}.mt_streams", .. documents is null ? Array.Empty<string>() : [documents]])} cascade");
        Clock.Reset(Start);
        // The truncation went behind the ledger's back: the host's kept answers (AnswerCache) must not outlive it.
        Services.GetRequiredService<MembershipLedger.Api.Http.LedgerChanges>().Changed();
        Spans.Clear();
        Client.DefaultRequestHeaders.Remove(ApiKeyAuthentication.Header);
        Client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, await IssueKeyAsync("test-admin", AccessRole.Admin));
    }

    /// <summary>
    /// Waits for the asynchronous projections (history, timeline) to hold every event recorded so far, as the daemon on
    /// this host applies them; fails after a bound rather than hang.
    /// </summary>
    public async Task CaughtUpAsync()
    {
        var standings = await AsyncProjections.CatchUpAsync(Services.GetRequiredService<NpgsqlDataSource>(), AsyncProjections.Names(Store), TimeSpan.FromSeconds(30), default);
        if (standings.FirstOrDefault(s => !s.Current) is { } behind)
            throw new TimeoutException($"The {behind.Projection} projection is still {behind.Behind} event(s) behind after 30 s.");
    }

    /// <summary>Stores a new key and returns its token, as <c>keys create</c> does.</summary>
    public async Task<string> IssueKeyAsync(string principal, AccessRole role, string? groupId = null)
    {
        var issued = ApiKeys.Issue(principal, role, groupId, Clock.GetCurrentInstant(), "tests");
        await using var session = Store.LightweightSession();
        session.Insert(issued.Key);
        await session.SaveChangesAsync();
        return issued.Token;
    }

    /// <summary>A client that sends a new key of the given role.</summary>
    public async Task<HttpClient> ClientAsync(string principal, AccessRole role, string? groupId = null)
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, await IssueKeyAsync(principal, role, groupId));
        return client;
    }

    /// <summary>Runs SQL on the test database directly, behind the ledger's back (to tamper, to look where the API cannot).</summary>
    public async Task<object?> ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>How many events the store holds: "nothing was appended" is this number not moving.</summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}

/// <summary>Finished spans, added from whichever thread ends them (requests, and Wolverine's background agents).</summary>
public sealed class SpanLog : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waiting = [];

    public IReadOnlyList<Activity> Snapshot() { lock (_spans) return [.. _spans]; }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
            foreach (var waiter in _waiting.Where(w => w.Match(item)).ToList())
            {
                _waiting.Remove(waiter);
                waiter.Found.TrySetResult(item);
            }
        }
    }

    /// <summary>
    /// The finished span <paramref name="match"/> picks, once it is exported: a server span ends after its response has
    /// reached the client, so a test that reads the log right after the call can be a moment early.
    /// </summary>
    public Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan bound)
    {
        lock (_spans)
        {
            if (_spans.FirstOrDefault(match) is { } done) return Task.FromResult(done);
            var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, found));
            return found.Task.WaitAsync(bound);
        }
    }
    public void Clear() { lock (_spans) _spans.Clear(); }
    public bool Contains(Activity item) { lock (_spans) return _spans.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_spans) _spans.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (_spans) return _spans.Remove(item); }
    public int Count { get { lock (_spans) return _spans.Count; } }
    public bool IsReadOnly => false;
    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerApp>
{
    public const string Name = "ledger";
}

/// <summary>Base for integration tests: each test starts on an empty ledger.</summary>
[Collection(LedgerCollection.Name)]
public abstract class LedgerTest(LedgerApp app) : IAsyncLifetime
{
    protected LedgerApp App { get; } = app;
    protected HttpClient Client => App.Client;

    public Task InitializeAsync() => App.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    protected Task<HttpResponseMessage> PostAsync(string url, object body) => Client.PostAsJsonAsync(url, body);
}
