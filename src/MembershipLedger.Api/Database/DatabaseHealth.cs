using MembershipLedger.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MembershipLedger.Api.Database;

/// <summary>
/// Watches the embedded PostgreSQL the host started: when it dies (killed, crashed), the host starts it again, and until
/// it answers the host reports itself unready and says why, so a load balancer or a person knows, rather than every
/// request failing without a word.
/// </summary>
public sealed class EmbeddedDatabaseWatch(EmbeddedPostgres server, ILogger<EmbeddedDatabaseWatch> logger) : BackgroundService, IHealthCheck
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private volatile string? _down;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (await server.IsRunningAsync(stoppingToken)) { _down = null; continue; }
            _down = "The embedded PostgreSQL stopped; the host is starting it again.";
            logger.LogError("The embedded PostgreSQL on port {Port} is not running; starting it again.", server.Port);
            try
            {
                await server.RestartAsync(stoppingToken);
                NpgsqlConnection.ClearAllPools();
                logger.LogWarning("The embedded PostgreSQL is running again; it recovered from its write-ahead log.");
                _down = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _down = $"The embedded PostgreSQL stopped and could not be started again: {e.Message}";
                logger.LogError(e, "The embedded PostgreSQL could not be started again.");
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(_down is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy($"embedded PostgreSQL on port {server.Port}"));
}

/// <summary>The database answers a query within a few seconds.</summary>
public sealed class DatabaseReachable(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("the database answers");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the database does not answer: {e.Message}");
        }
    }
}

/// <summary>
/// The projections were built by this version and hold every event; and each asynchronous projection runs on a node and
/// keeps up. Dead letters, an asynchronous projection that no node runs, or one whose oldest waiting event has waited
/// longer than <see cref="LagLimit"/> make the ledger degraded (still serving: its other reads are right).
/// </summary>
public sealed class ProjectionsCurrent(IDocumentStore store, NpgsqlDataSource db) : IHealthCheck
{
    /// <summary>A node that dies hands its projections over in about ten seconds; longer than this is not a takeover.</summary>
    public static readonly Duration LagLimit = Duration.FromSeconds(30);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var status = await LedgerProjections.StatusAsync(store, ct);
        var data = new Dictionary<string, object> { ["definition"] = status.Definition ?? "", ["deadLetters"] = status.DeadLetters };
        if (!status.Current)
            return HealthCheckResult.Unhealthy(status.RebuildRequested is { } why ? $"a rebuild is pending: {why}" : "the projections need a rebuild", data: data);

        var problems = new List<string>();
        if (status.DeadLetters > 0) problems.Add($"{status.DeadLetters} event(s) could not be applied by a projection; `verify` lists them");
        var runners = await RunnersAsync(ct);
        var now = SystemClock.Instance.GetCurrentInstant();
        foreach (var standing in await AsyncProjections.StandingAsync(db, AsyncProjections.Names(store), ct))
        {
            int? node = runners.TryGetValue(standing.Projection, out var n) ? n : null;
            data[standing.Projection] = new Dictionary<string, object?>
            {
                ["position"] = standing.Position, ["behind"] = standing.Behind,
                ["waitingSince"] = standing.WaitingSince?.ToString(), ["runningOnNode"] = node,
            };
            if (node is null) problems.Add($"no node runs the {standing.Projection} projection");
            else if (standing.WaitingSince is { } since && now - since > LagLimit)
                problems.Add($"the {standing.Projection} projection is {standing.Behind} event(s) behind, the oldest waiting since {since}");
        }
        return problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", problems), data: data)
            : HealthCheckResult.Healthy("the projections are current", data);
    }

    /// <summary>Which node (its number) Wolverine assigned each asynchronous projection to, from its node tables.</summary>
    private async Task<Dictionary<string, int>> RunnersAsync(CancellationToken ct)
    {
        var runners = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            // The agents' addresses end in "/{projection}/all".
            await using var command = db.CreateCommand(
                """
                select a.id, n.node_number from wolverine.wolverine_node_assignments a join wolverine.wolverine_nodes n on n.id = a.node_id
                where a.id like 'event-subscriptions://%'
                """);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                if (reader.GetString(0).TrimEnd('/').Split('/') is [.., var projection, _]) runners[projection] = reader.GetInt32(1);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Wolverine has not made its tables yet: no node runs anything.
        }
        return runners;
    }
}

/// <summary>Wolverine handled every message it was given; one that failed for good (a rebuild that threw) waits in its dead letters.</summary>
public sealed class MessagesHandled(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select count(*) from wolverine.wolverine_dead_letters");
            var dead = Convert.ToInt64(await command.ExecuteScalarAsync(ct));
            return dead == 0
                ? HealthCheckResult.Healthy("no message failed")
                : HealthCheckResult.Degraded($"{dead} message(s) failed and wait in wolverine.wolverine_dead_letters (`storage` on the command line)",
                    data: new Dictionary<string, object> { ["deadLetters"] = dead });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return HealthCheckResult.Healthy("no message store yet");
        }
    }
}
