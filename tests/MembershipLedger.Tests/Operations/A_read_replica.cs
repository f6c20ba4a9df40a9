using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Api.Database;
using MembershipLedger.Tests.Faults;
using Npgsql;

namespace MembershipLedger.Tests.Operations;

/// <summary>
/// The ledger with a hot standby as its read replica: a primary and a standby made with the installed PostgreSQL's own
/// <c>pg_basebackup</c>, and the host serving with both connection strings, in its own process.
/// </summary>
[Trait("Category", "Replicas")]
public sealed class A_read_replica : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ledger-replica-{Guid.NewGuid():N}");
    private EmbeddedPostgres _primary = null!;
    private EmbeddedPostgres? _standby;

    public async Task InitializeAsync()
    {
        _primary = await EmbeddedPostgres.StartAsync(Path.Combine(_directory, "primary"), durable: false);
        _standby = await _primary.StartStandbyAsync(Path.Combine(_directory, "standby"));
        // Until the test says otherwise, a commit returns once the standby has applied it: what was written is there.
        await SqlAsync(_primary, "alter system set synchronous_standby_names = '*'");
        // Per database, as the throwaway cluster's command line turns synchronous commit off server-wide.
        await SqlAsync(_primary, $"alter database {EmbeddedPostgres.DatabaseName} set synchronous_commit = 'remote_apply'");
        await SqlAsync(_primary, "select pg_reload_conf()");
    }

    public async Task DisposeAsync()
    {
        if (_standby is not null) await _standby.DisposeAsync();
        await _primary.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reads_go_to_the_replica_a_caller_reads_its_own_write_and_a_lagging_or_lost_replica_is_said_or_skipped()
    {
        var (host, address) = LedgerProcess.StartHost(_primary.ConnectionString, $"--ConnectionStrings:{ReadReplica.ConnectionName}={_standby!.ConnectionString}");
        await using var _ = host;
        await host.WaitForOutputAsync("Press Ctrl+C to stop.", Bound);
        var key = host.AdminKey;
        using var writer = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = address };
        writer.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var reader = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };

        // A current replica serves the read model.
        var roster = await reader.GetAsync("/groups/tajik-wikimedians/roster");
        Assert.Equal("replica", roster.Headers.GetValues(Reads.FromHeader).Single());
        Assert.False(roster.Headers.Contains(Reads.LagHeader));
        Assert.Contains("Farorud", await roster.Content.ReadAsStringAsync());

        // The replica falls behind: commits no longer wait for it, and it stops applying them.
        await SqlAsync(_primary, "alter system reset synchronous_standby_names");
        await SqlAsync(_primary, "select pg_reload_conf()");
        await SqlAsync(_standby, "select pg_wal_replay_pause()");
        var signedUp = await writer.PostAsJsonAsync("/groups/tajik-wikimedians/members", new { username = "Replica Reader", signedAt = "2024-03-01T10:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, signedUp.StatusCode);
        var position = signedUp.Headers.GetValues(Reads.PositionHeader).Single();

        // Another reader is served by the replica, which says it lags and has not the sign-up yet.
        var elsewhere = await reader.GetAsync("/groups/tajik-wikimedians/roster");
        Assert.Equal("replica", elsewhere.Headers.GetValues(Reads.FromHeader).Single());
        Assert.True(elsewhere.Headers.Contains(Reads.LagHeader));
        Assert.DoesNotContain("Replica Reader", await elsewhere.Content.ReadAsStringAsync());

        // The writer (by the cookie its write set) and anyone sending the position read it from the primary.
        foreach (var own in new[] { await writer.GetAsync("/groups/tajik-wikimedians/roster"), await GetWithPositionAsync(reader, position) })
        {
            Assert.Equal("primary", own.Headers.GetValues(Reads.FromHeader).Single());
            Assert.Contains("Replica Reader", await own.Content.ReadAsStringAsync());
        }
        var health = await reader.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("read-replica").GetProperty("status").GetString());

        // The replica gone: reads go to the primary, and the host stays ready.
        await _standby.DisposeAsync();
        _standby = null;
        var afterLoss = await reader.GetAsync("/groups/tajik-wikimedians/roster");
        Assert.Equal(HttpStatusCode.OK, afterLoss.StatusCode);
        Assert.Equal("primary", afterLoss.Headers.GetValues(Reads.FromHeader).Single());
        Assert.Contains("Replica Reader", await afterLoss.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/health/ready")).StatusCode);
    }

    private static Task<HttpResponseMessage> GetWithPositionAsync(HttpClient client, string position)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/groups/tajik-wikimedians/roster");
        request.Headers.Add(Reads.PositionHeader, position);
        return client.SendAsync(request);
    }

    private static async Task SqlAsync(EmbeddedPostgres server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
