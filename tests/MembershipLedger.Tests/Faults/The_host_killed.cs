using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MembershipLedger.Tests.Faults;

/// <summary>
/// The ledger's own process killed with SIGKILL in the middle of the four things that can leave work half done: an
/// import, a rebuild, an erasure and concurrent sign-ups. After each crash and restart: every acknowledged write is
/// present exactly once, the projections equal a fresh rebuild, and <c>verify</c> is clean.
/// </summary>
[Trait("Category", "Faults")]
public sealed class The_host_killed(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Groups = 20;
    private const int Events = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private TestDatabase _cluster = null!;
    private string _ledger = null!;
    private readonly List<LedgerProcess> _hosts = [];
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ledger-faults-{Guid.NewGuid():N}.ndjson");

    public async Task InitializeAsync()
    {
        _cluster = await TestDatabase.AcquireAsync();
        var database = $"faults_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"create database {database}", connection).ExecuteNonQueryAsync();
        }
        _ledger = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = database }.ConnectionString;
        await File.WriteAllTextAsync(_file, Generate());
    }

    public async Task DisposeAsync()
    {
        // A failed assertion leaves hosts running: none outlives the test.
        foreach (var host in _hosts) await host.DisposeAsync();
        File.Delete(_file);
        NpgsqlConnection.ClearAllPools();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Killed_during_an_import_a_rebuild_an_erasure_and_concurrent_sign_ups_it_restarts_with_the_ledger_whole()
    {
        // 1. An import killed mid-way appends nothing; the same file then imports whole.
        // The ledger's tables exist before the import starts (a rebuild of the empty ledger makes them), so the gate has a table to hold.
        var (prepared, prepareOutput) = await LedgerProcess.RunAsync(_ledger, "rebuild");
        Assert.True(prepared == 0, prepareOutput);
        await using (var gate = await GateAsync(LedgerSchema.MembershipIntervals))
        await using (var import = LedgerProcess.Start(_ledger, "import", _file))
            await KillStoppedAtGateAsync(import, gate);
        Assert.Equal(0, await ScalarAsync<long>("select count(*) from ledger.mt_events"));
        var (imported, importOutput) = await LedgerProcess.RunAsync(_ledger, "import", _file);
        Assert.True(imported == 0, importOutput);
        Assert.Equal(Events, await ScalarAsync<long>("select count(*) from ledger.mt_events"));
        await AssertWholeAsync();

        // 2. A rebuild killed mid-way: readers kept the full tables all along, and the next start finishes it.
        var before = await ProjectionsAsync();
        var members = await ScalarAsync<long>($"select count(*) from {LedgerSchema.MembershipIntervals}");
        await using (var gate = await GateAsync(LedgerSchema.RoleIntervals))
        await using (var rebuild = LedgerProcess.Start(_ledger, "rebuild"))
        {
            await WaitAtGateAsync(gate);
            // The rebuild has emptied the roster in its transaction; readers still see every row.
            Assert.Equal(members, await ScalarAsync<long>($"select count(*) from {LedgerSchema.MembershipIntervals}"));
            await KillStoppedAtGateAsync(rebuild, gate);
        }
        Assert.NotNull(await ScalarAsync<string>($"select rebuild_requested from {LedgerProjections.StateTable}"));
        Assert.Equal(before, await ProjectionsAsync());

        var restart = Stopwatch.StartNew();
        var (host, http) = await StartHostAsync(key: null);
        output.WriteLine($"Rebuild killed; the next start finished it and answered ready in {restart.Elapsed.TotalSeconds:N1} s.");
        Assert.Contains("Rebuilt the projections on start", host.Output);
        Assert.Null(await ScalarAsync<string>($"select rebuild_requested from {LedgerProjections.StateTable}"));
        var key = host.AdminKey;
        http.Dispose();
        http = Client(http.BaseAddress!, key);
        await AssertWholeAsync();

        // 3. The host killed during an erasure: the person is either wholly erased or not at all; erasing again works.
        const string person = "Member 27";
        Task<HttpResponseMessage> erasure;
        await using (var gate = await GateAsync(LedgerSchema.RoleIntervals))
        {
            erasure = http.PostAsJsonAsync($"/people/{person}/erasure", new { reason = "Request by e-mail, ticket 1234" });
            await KillStoppedAtGateAsync(host, gate);
        }
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => erasure);
        await host.DisposeAsync();
        Assert.Equal(1, await ScalarAsync<long>($"select count(*) from ledger.mt_events where data ->> 'username' = '{person}'"));
        Assert.Equal(0, await ScalarAsync<long>("select count(*) from ledger.mt_events where type = 'personal-data-erased'"));

        http.Dispose();
        (host, http) = await StartHostAsync(key);
        await AssertWholeAsync();
        var erased = await http.PostAsJsonAsync($"/people/{person}/erasure", new { reason = "Request by e-mail, ticket 1234" });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(0, await ScalarAsync<long>($"select count(*) from ledger.mt_events where data ->> 'username' = '{person}'"));
        await AssertWholeAsync();

        // 4. The host killed under concurrent sign-ups, each sent with an Idempotency-Key. Every acknowledged one is
        //    there once; every unanswered one, retried under its key after the restart, is then there once too.
        var acknowledged = new ConcurrentBag<string>();
        var hundred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unanswered = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"Signer {w}-{i}";
                try
                {
                    var answer = await SignUpAsync(http, name);
                    Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
                    acknowledged.Add(name);
                    if (acknowledged.Count >= 100) hundred.TrySetResult();
                }
                catch (HttpRequestException)
                {
                    unanswered.Add(name);
                    return;
                }
            }
        })).ToList();
        await hundred.Task.WaitAsync(Bound);
        await host.KillAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        await host.DisposeAsync();
        Assert.Equal(8, unanswered.Count);
        output.WriteLine($"Sign-ups: {acknowledged.Count} acknowledged before the kill, {unanswered.Count} unanswered.");

        http.Dispose();
        (host, http) = await StartHostAsync(key);
        await using var lastHost = host;
        using var lastClient = http;
        foreach (var name in unanswered)
        {
            // A claim the killed host left is abandoned at once here (the claim timeout is zero; by default a retry
            // within two minutes is told 409 "in progress").
            var retried = await SignUpAsync(http, name);
            Assert.True(retried.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{name}: {retried.StatusCode}");
            output.WriteLine($"Retry of {name}: {(int)retried.StatusCode}{(retried.Headers.Contains("Idempotent-Replayed") ? " (replayed)" : "")}.");
        }

        var roster = await http.GetFromJsonAsync<JsonElement>("/groups/group-0/roster");
        var names = roster.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("username").GetString()!).ToList();
        foreach (var name in acknowledged.Concat(unanswered))
        {
            Assert.Equal(1, names.Count(n => n == name));
            Assert.Equal(1, await ScalarAsync<long>($"select count(*) from ledger.mt_events where stream_id = 'group-0:{name}'"));
        }
        Assert.Equal(acknowledged.Count + unanswered.Count,
            await ScalarAsync<long>("select count(*) from ledger.mt_events where stream_id like 'group-0:Signer %'"));
        await AssertWholeAsync();
    }

    [Fact]
    public async Task A_rebuild_asked_for_over_HTTP_and_cut_short_by_a_kill_is_finished_by_the_next_start_from_its_stored_message()
    {
        var (host, http, key) = await ImportedAndServedAsync();
        var before = await ProjectionsAsync();
        var rebuiltBefore = await ScalarAsync<DateTime?>($"select rebuilt_at from {LedgerProjections.StateTable}");

        await using (var gate = await GateAsync(LedgerSchema.RoleIntervals))
        {
            var asked = await http.PostAsJsonAsync("/admin/rebuild", new { reason = "after repairing an event" });
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
            await WaitAtGateAsync(gate);
            // The message is in Wolverine's durable inbox, in the ledger's own database, while the rebuild runs.
            Assert.Equal(1, await ScalarAsync<long>("select count(*) from wolverine.wolverine_incoming_envelopes where message_type like '%rebuild-projections%' or message_type like '%RebuildProjections%'"));
            await KillStoppedAtGateAsync(host, gate);
        }
        await host.DisposeAsync();
        Assert.Equal(before, await ProjectionsAsync());
        Assert.Equal(rebuiltBefore, await ScalarAsync<DateTime?>($"select rebuilt_at from {LedgerProjections.StateTable}"));

        var restart = Stopwatch.StartNew();
        http.Dispose();
        (host, http) = await StartHostAsync(key);
        await using var lastHost = host;
        using var lastClient = http;
        await host.WaitForOutputAsync("Rebuilt the projections, as local-admin asked.", Bound);
        output.WriteLine($"Rebuild message survived the kill; the next start rebuilt from it within {restart.Elapsed.TotalSeconds:N1} s.");
        Assert.NotEqual(rebuiltBefore, await ScalarAsync<DateTime?>($"select rebuilt_at from {LedgerProjections.StateTable}"));
        await AssertWholeAsync();
    }

    [Fact]
    public async Task Two_nodes_serve_one_ledger_and_when_one_dies_mid_rebuild_the_other_takes_over_its_message()
    {
        var (first, firstHttp, key) = await ImportedAndServedAsync();
        var (second, secondHttp) = await StartHostAsync(key);
        using var readOnSecond = secondHttp;

        // A write on one node is read on the other at once: the roster is projected in the write's own transaction.
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(firstHttp, "Two Nodes")).StatusCode);
        var roster = await secondHttp.GetFromJsonAsync<JsonElement>("/groups/group-0/roster");
        Assert.Contains(roster.GetProperty("members").EnumerateArray(), m => m.GetProperty("username").GetString() == "Two Nodes");

        // A rebuild asked of the first node; the first node dies during it. Its message, in the shared inbox, passes to
        // the second node once the first is found gone.
        var rebuiltBefore = await ScalarAsync<DateTime?>($"select rebuilt_at from {LedgerProjections.StateTable}");
        var killed = new Stopwatch();
        await using (var gate = await GateAsync(LedgerSchema.RoleIntervals))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await firstHttp.PostAsJsonAsync("/admin/rebuild", new { reason = "two nodes" })).StatusCode);
            await WaitAtGateAsync(gate);
            killed.Start();
            await KillStoppedAtGateAsync(first, gate);
        }
        firstHttp.Dispose();
        await second.WaitForOutputAsync("Rebuilding the projections, as local-admin asked", Bound);
        var takenOver = killed.Elapsed;
        await second.WaitForOutputAsync("Rebuilt the projections, as local-admin asked.", Bound);
        output.WriteLine($"The second node took the dead node's rebuild over {takenOver.TotalSeconds:N1} s after the kill and finished it at {killed.Elapsed.TotalSeconds:N1} s.");
        Assert.NotEqual(rebuiltBefore, await ScalarAsync<DateTime?>($"select rebuilt_at from {LedgerProjections.StateTable}"));
        Assert.Equal(1, await ScalarAsync<long>("select count(*) from ledger.mt_events where stream_id = 'group-0:Two Nodes'"));
        await AssertWholeAsync();
    }

    [Fact]
    public async Task Two_nodes_share_the_asynchronous_projections_and_when_the_node_running_them_dies_the_other_catches_up()
    {
        var (first, firstHttp, key) = await ImportedAndServedAsync();
        var (second, secondHttp) = await StartHostAsync(key);
        using var onFirst = firstHttp;
        using var onSecond = secondHttp;
        await CaughtUpAsync();

        // Each asynchronous projection runs on exactly one node: Wolverine keeps one assignment per projection.
        var nodes = new Dictionary<int, (LedgerProcess Host, HttpClient Http)> { [NodeOf(first)] = (first, firstHttp), [NodeOf(second)] = (second, secondHttp) };
        // When the second node joins, the leader moves one projection to it (stopped on the first node, then started on
        // the second): the assignments are read once the second node says it started it.
        await second.WaitForOutputAsync("Successfully started agent event-subscriptions://", Bound);
        var running = await RunnersAsync();
        Assert.Equal(["history", "timeline"], running.Keys.Order());
        Assert.All(running.Values, node => Assert.Contains(node, nodes.Keys));

        // Written on one node, read on the other.
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(secondHttp, "Across Nodes")).StatusCode);
        // The history is applied by whichever node runs it: waited for (bounded), as a read's own second may not be enough on a busy machine.
        await CaughtUpAsync();
        var history = await firstHttp.GetFromJsonAsync<JsonElement>("/people/Across Nodes/history");
        Assert.Single(history.GetProperty("entries").EnumerateArray());

        // A browser session begun on one node is known to the other, which accepts the form (and its antiforgery token)
        // the first node gave: both read the sessions and the data-protection keys from the database.
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
        var signIn = await browser.GetStringAsync(new Uri(firstHttp.BaseAddress!, "/web/sign-in"));
        Assert.Equal(HttpStatusCode.Found, (await browser.PostAsync(new Uri(firstHttp.BaseAddress!, "/web/sign-in"),
            Form(("_handler", "sign-in"), ("__RequestVerificationToken", TokenOf(signIn)), ("key", key)))).StatusCode);
        var form = await browser.GetStringAsync(new Uri(firstHttp.BaseAddress!, "/web/record/sign-up?groupId=group-0"));
        var recorded = await browser.PostAsync(new Uri(secondHttp.BaseAddress!, "/web/record/sign-up?groupId=group-0"),
            Form(("_handler", "record"), ("__RequestVerificationToken", TokenOf(form)), ("username", "Across Browsers")));
        Assert.Equal(HttpStatusCode.Found, recorded.StatusCode);
        Assert.StartsWith("/web/recorded/", new Uri(secondHttp.BaseAddress!, recorded.Headers.Location!).AbsolutePath);

        // The node running the history projection is killed; the survivor takes writes at once, and its reads say how
        // far behind the projections are until it has taken them over and caught up.
        const string projection = "history";
        // Read again now: the leader may have moved a projection since the assignments were first read.
        var doomed = (await RunnersAsync())[projection];
        var (dead, _) = nodes[doomed];
        var (survivor, http) = nodes.Single(n => n.Key != doomed).Value;
        var killed = Stopwatch.StartNew();
        await dead.KillAsync();
        // Read right after the first write: the survivor takes the projection over once the dead node's heartbeat is
        // stale (6 s), and on a busy machine all 20 writes can take longer than that.
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(http, "Takeover 0")).StatusCode);
        var behind = await http.GetAsync($"/people/Takeover 0/{projection}");
        Assert.Equal(HttpStatusCode.OK, behind.StatusCode);
        Assert.True(behind.Headers.TryGetValues("Ledger-Projection-Behind", out var count) && long.Parse(count.Single()) > 0,
            $"A read while no node runs the {projection} says it is behind.");
        for (var i = 1; i < 20; i++) Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(http, $"Takeover {i}")).StatusCode);

        await CaughtUpAsync();
        var caughtUp = killed.Elapsed;
        output.WriteLine($"Node {doomed} killed; node {nodes.Single(n => n.Key != doomed).Key} ran both projections and had applied every event {caughtUp.TotalSeconds:N1} s after the kill.");
        Assert.All((await RunnersAsync()).Values, node => Assert.NotEqual(doomed, node));
        Assert.False((await http.GetAsync($"/people/Takeover 19/{projection}")).Headers.Contains("Ledger-Projection-Behind"));

        // No event lost or applied twice: one history row and two timeline entries (group, person) per sign-up...
        Assert.Equal(20, await ScalarAsync<long>("select count(*) from ledger.ledger_history where username like 'Takeover %'"));
        Assert.Equal(40, await ScalarAsync<long>("select count(*) from ledger.timeline where summary like 'Takeover % signed up'"));
        Assert.Equal(await ScalarAsync<long>("select count(*) from ledger.mt_events where type in ('member-signed-up', 'member-withdrew', 'member-removed')"),
            await ScalarAsync<long>("select count(*) from ledger.ledger_history where event_type in ('member-signed-up', 'member-withdrew', 'member-removed')"));
        // ...and every table as a rebuild from the events makes it.
        await AssertWholeAsync();
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    private static string TokenOf(string page) => WebUtility.HtmlDecode(
        System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);

    /// <summary>The node number Wolverine gave a host, from its log.</summary>
    private static int NodeOf(LedgerProcess host) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(host.Output, @"with assigned node id (\d+)").Groups[1].Value);

    /// <summary>Which node runs each asynchronous projection, from Wolverine's assignments.</summary>
    private async Task<Dictionary<string, int>> RunnersAsync()
    {
        await using var connection = new NpgsqlConnection(_ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select split_part(a.id, '/', 6), n.node_number from wolverine.wolverine_node_assignments a
            join wolverine.wolverine_nodes n on n.id = a.node_id where a.id like 'event-subscriptions://%'
            """, connection);
        var runners = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) runners.Add(reader.GetString(0), reader.GetInt32(1));
        return runners;
    }

    /// <summary>The generated ledger imported and a first host serving it, with a client holding the admin key it printed.</summary>
    private async Task<(LedgerProcess Host, HttpClient Http, string Key)> ImportedAndServedAsync()
    {
        var (imported, importOutput) = await LedgerProcess.RunAsync(_ledger, "import", _file);
        Assert.True(imported == 0, importOutput);
        var (host, anonymous) = await StartHostAsync(key: null);
        anonymous.Dispose();
        var key = host.AdminKey;
        return (host, Client(anonymous.BaseAddress!, key), key);
    }

    private static Task<HttpResponseMessage> SignUpAsync(HttpClient http, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/groups/group-0/members")
        {
            Content = JsonContent.Create(new { username = name, signedAt = "2024-03-01T10:00:00Z" }),
        };
        request.Headers.Add("Idempotency-Key", $"sign-up {name}");
        return http.SendAsync(request);
    }

    /// <summary>
    /// Kills <paramref name="process"/>, which has said it is appending or rebuilding: its transaction holds the chain's
    /// lock. Then waits, by taking that lock itself, until PostgreSQL has rolled the killed transaction back.
    /// </summary>
    /// <summary>
    /// A gate for an import or a rebuild: <paramref name="table"/> held in SHARE mode by a transaction of the test. Readers
    /// pass; the operation's first write to the table waits, mid-way, holding the chain's lock (a rebuild empties the
    /// memberships before the roles; an import appends the groups before their members' rows), however fast it runs, so the
    /// kill lands inside it rather than racing its commit. The tables are ones the daemon never writes (it would wait at
    /// the gate too, and be taken for the operation). Disposing the gate rolls its transaction back.
    /// </summary>
    private async Task<Gate> GateAsync(string table)
    {
        var connection = new NpgsqlConnection(_ledger);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"lock table {table} in share mode", connection, tx))
            await command.ExecuteNonQueryAsync();
        return new Gate(table, connection, tx);
    }

    private sealed record Gate(string Table, NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>Until the transaction holding the chain's lock waits for the gate's table (bounded).</summary>
    private async Task WaitAtGateAsync(Gate gate)
    {
        var waited = Stopwatch.StartNew();
        while (await ScalarAsync<long>($"""
                   select count(*) from pg_locks waiting join pg_locks chain on chain.pid = waiting.pid
                   where waiting.locktype = 'relation' and not waiting.granted and waiting.relation = '{gate.Table}'::regclass
                     and chain.locktype = 'advisory' and chain.granted and chain.mode = 'ExclusiveLock'
                     and ((chain.classid::bigint << 32) | chain.objid::bigint) = {EventChain.ChainLock}
                   """) == 0)
            Assert.True(waited.Elapsed < Bound, $"Nothing holding the chain's lock came to wait at {gate.Table}.");
    }

    /// <summary>Once the process waits at the gate, holding the chain's lock: killed there, and the gate opened.</summary>
    private async Task KillStoppedAtGateAsync(LedgerProcess process, Gate gate)
    {
        await WaitAtGateAsync(gate);
        // The gate opens after the kill: the killed process's statement then goes on, finds its client gone before any
        // commit, and its transaction rolls back.
        await KillHoldingTheChainLockAsync(process, afterKill: () => gate.Transaction.RollbackAsync());
    }

    private async Task KillHoldingTheChainLockAsync(LedgerProcess process, Func<Task>? afterKill = null)
    {
        var held = await ScalarAsync<long>($"""
            select count(*) from pg_locks where locktype = 'advisory' and granted and mode = 'ExclusiveLock'
              and ((classid::bigint << 32) | objid::bigint) = {EventChain.ChainLock}
              and database = (select oid from pg_database where datname = current_database())
            """);
        Assert.True(held == 1, "No transaction held the chain's lock when the process was killed.");
        await process.KillAsync();
        if (afterKill is not null) await afterKill();
        await using var connection = new NpgsqlConnection(_ledger);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var wait = new NpgsqlCommand($"set local statement_timeout = '2min'; select pg_advisory_xact_lock({EventChain.ChainLock})", connection, tx);
        await wait.ExecuteNonQueryAsync();
        await tx.RollbackAsync();
    }

    /// <summary>
    /// After a crash: <c>verify</c> is clean (chain intact, projections current, no dead letters), and a fresh rebuild
    /// changes nothing. The asynchronous projections (history, timeline) are the daemon's: with a host running, compared
    /// once it has applied every event; with none (after a command-line import), left for the next host to apply.
    /// </summary>
    private async Task AssertWholeAsync()
    {
        var (verified, verifyOutput) = await LedgerProcess.RunAsync(_ledger, "verify");
        Assert.True(verified == 0, verifyOutput);
        var daemonRuns = _hosts.Any(h => !h.HasExited);
        if (daemonRuns) await CaughtUpAsync();
        var tables = daemonRuns ? LedgerSchema.ProjectionTables : LedgerSchema.ProjectionTables.Except(AsyncTables).ToList();
        var projected = await ProjectionsAsync(tables);
        var (rebuilt, rebuildOutput) = await LedgerProcess.RunAsync(_ledger, "rebuild");
        Assert.True(rebuilt == 0, rebuildOutput);
        Assert.Equal(projected, await ProjectionsAsync(tables));
    }

    private static readonly string[] AsyncTables = [LedgerSchema.History, LedgerSchema.Timeline, LedgerSchema.TimelineZones];

    /// <summary>Waits, with a bound, until the history and timeline hold every event, as the daemon on a running host applies them.</summary>
    private async Task CaughtUpAsync()
    {
        await using var db = NpgsqlDataSource.Create(_ledger);
        var standings = await AsyncProjections.CatchUpAsync(db, ["history", "timeline"], Bound, default);
        Assert.All(standings, s => Assert.True(s.Current, $"The {s.Projection} projection is still {s.Behind} event(s) behind."));
    }

    /// <summary>Every projection table's rows, as text in a stable order (without the roster tables' generated row ids).</summary>
    private async Task<string> ProjectionsAsync(IEnumerable<string>? tables = null)
    {
        var text = new StringBuilder();
        foreach (var table in tables ?? LedgerSchema.ProjectionTables)
            text.AppendLine(table).AppendLine(await ScalarAsync<string>($"select coalesce(string_agg(r, E'\\n' order by r), '') from (select (to_jsonb(t) - 'id')::text r from {table} t) rows"));
        return text.ToString();
    }

    /// <summary>Starts the host and waits for its greeting's last line (printed once it is up, repaired and ready; the key above it read too); returns it with a client that sends <paramref name="key"/>.</summary>
    private async Task<(LedgerProcess, HttpClient)> StartHostAsync(string? key)
    {
        var (host, address) = LedgerProcess.StartHost(_ledger);
        _hosts.Add(host);
        await host.WaitForOutputAsync("Press Ctrl+C to stop.", Bound);
        var http = Client(address, key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        return (host, http);
    }

    private static HttpClient Client(Uri address, string? key)
    {
        var http = new HttpClient { BaseAddress = address };
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_ledger);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    /// <summary>A ledger of <see cref="Groups"/> groups and their members' sign-ups, one a minute from 2016.</summary>
    private static string Generate()
    {
        var text = new StringBuilder();
        for (var g = 0; g < Groups; g++)
            text.Append($$$"""{"id":"{{{Guid.NewGuid()}}}","stream":"group-{{{g}}}","type":"group-registered","data":{"groupId":"group-{{{g}}}","profile":{"name":"Group {{{g}}}","kind":"user-group","countryCode":"TJ","languages":["tg"],"timeZone":"Asia/Dushanbe","foundedOn":null,"contactChannels":[]}}""" + "}").Append('\n');
        var start = NodaTime.Instant.FromUtc(2016, 1, 1, 0, 0);
        for (var i = Groups; i < Events; i++)
            text.Append($$$"""{"id":"{{{Guid.NewGuid()}}}","stream":"group-{{{i % Groups}}}:Member {{{i}}}","type":"member-signed-up","data":{"groupId":"group-{{{i % Groups}}}","username":"Member {{{i}}}","kind":"individual","signUpId":"{{{Guid.NewGuid()}}}","signedAt":"{{{start.Plus(NodaTime.Duration.FromMinutes(i))}}}"}}""").Append('\n');
        return text.ToString();
    }
}
