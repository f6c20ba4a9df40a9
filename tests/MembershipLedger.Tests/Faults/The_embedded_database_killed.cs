using System.Diagnostics;
using MembershipLedger.Api.Database;
using Npgsql;

namespace MembershipLedger.Tests.Faults;

/// <summary>
/// The embedded PostgreSQL the README's first command runs: durable by default, and when it is killed with SIGKILL
/// under writes, started again with every acknowledged write present (PostgreSQL replays its write-ahead log).
/// </summary>
[Trait("Category", "Faults")]
public sealed class The_embedded_database_killed
{
    [Fact]
    public async Task Is_durable_by_default_and_after_kill_9_under_writes_restarts_with_every_acknowledged_write()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ledger-fault-{Guid.NewGuid():N}");
        var server = await EmbeddedPostgres.StartAsync(directory);
        try
        {
            Assert.Equal("on", await ScalarAsync(server, "show fsync"));
            Assert.Equal("on", await ScalarAsync(server, "show synchronous_commit"));
            await ScalarAsync(server, "create table acknowledged (n int primary key)");

            // Writers insert one row at a time; each insert that returned was acknowledged.
            var acknowledged = 0;
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                try
                {
                    for (var n = 1; !stop.IsCancellationRequested; n++)
                    {
                        await using var insert = new NpgsqlCommand($"insert into acknowledged values ({n})", connection);
                        await insert.ExecuteNonQueryAsync();
                        acknowledged = n;
                    }
                }
                catch (Exception e) when (e is NpgsqlException or IOException or ObjectDisposedException)
                {
                    // The server died under the writer: what it acknowledged before is what must survive.
                }
            });
            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref acknowledged) < 200 && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Yield();
            Assert.True(acknowledged >= 200, "the writer never got going");

            var pid = int.Parse(File.ReadLines(Path.Combine(directory, "postmaster.pid")).First());
            Process.GetProcessById(pid).Kill();
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
            var lastAcknowledged = acknowledged;
            var gone = Stopwatch.StartNew();
            while (await server.IsRunningAsync() && gone.Elapsed < TimeSpan.FromSeconds(30)) { }
            Assert.False(await server.IsRunningAsync());

            await server.RestartAsync();

            Assert.True(await server.IsRunningAsync());
            var survived = (long)(await ScalarAsync(server, "select count(*) from acknowledged"))!;
            Assert.True(survived >= lastAcknowledged, $"{lastAcknowledged} inserts were acknowledged, {survived} survived the crash");
            stop.Cancel();
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
        Assert.False(File.Exists(Path.Combine(directory, "postmaster.pid")));
    }

    private static async Task<object?> ScalarAsync(EmbeddedPostgres server, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
