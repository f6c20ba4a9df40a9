using System.Globalization;
using MembershipLedger.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using NpgsqlTypes;

namespace MembershipLedger.Api.Database;

/// <summary>
/// A hot standby of the ledger's database (<c>ConnectionStrings:LedgerReadOnly</c>), for the queries of the read model
/// (rosters, histories, timelines, spend trails). Writes, documents and anything read right after its own write stay on
/// the primary (<see cref="Reads"/>).
/// </summary>
public sealed class ReadReplica(NpgsqlDataSource source, ILogger<ReadReplica> logger) : IHealthCheck
{
    public const string ConnectionName = "LedgerReadOnly";

    public NpgsqlDataSource Source { get; } = source;

    /// <summary>Where the standby stands, or null when it does not answer within a second (reads then go to the primary).</summary>
    /// <param name="Replayed">The last WAL position applied: every commit up to it is visible there.</param>
    /// <param name="Behind">Replay is paused, or WAL received more than a second after the last commit applied waits to be
    /// applied (WAL in flight for a moment is not lag): the replica lags, by about <paramref name="LagSeconds"/>.</param>
    public sealed record Standing(NpgsqlLogSequenceNumber Replayed, bool Behind, double LagSeconds);

    public async Task<Standing?> StandingAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await using var command = Source.CreateCommand(
                """
                select pg_last_wal_replay_lsn(),
                       pg_is_wal_replay_paused() or coalesce(pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()
                         and now() - pg_last_xact_replay_timestamp() > interval '1 second', false),
                       coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)::float8
                """);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            return reader.IsDBNull(0) ? null : new Standing(reader.GetFieldValue<NpgsqlLogSequenceNumber>(0), reader.GetBoolean(1), reader.GetDouble(2));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            if (!ct.IsCancellationRequested) logger.LogWarning("The read replica does not answer ({Error}); reads go to the primary.", e.Message);
            return null;
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await StandingAsync(ct) switch
        {
            null => HealthCheckResult.Degraded("the read replica does not answer (or is not a standby); reads go to the primary"),
            { Behind: true } s => HealthCheckResult.Degraded($"the read replica is {s.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s behind; reads that need newer data go to the primary"),
            _ => HealthCheckResult.Healthy("the read replica is current"),
        };

    /// <summary>Registers the replica when one is configured.</summary>
    public static void AddIfConfigured(WebApplicationBuilder builder, IHealthChecksBuilder health)
    {
        if (builder.Configuration.GetConnectionString(ConnectionName) is not { Length: > 0 } connectionString) return;
        builder.Services.AddSingleton(services => new ReadReplica(LedgerStore.CreateDataSource(connectionString), services.GetRequiredService<ILogger<ReadReplica>>()));
        health.AddCheck<ReadReplica>("read-replica", tags: ["ready"]);
    }
}

/// <summary>
/// The database a read-model query goes to, chosen per request: the replica when one is configured, answers, and has
/// applied the caller's last write (the <c>Ledger-Position</c> its write answer gave, sent back as a header or the cookie
/// of the same name); the primary otherwise. The answer says which (<c>Ledger-Read-From</c>) and, from a replica that
/// lags, by how much (<c>Ledger-Replica-Lag</c>, seconds).
/// </summary>
public sealed class Reads(NpgsqlDataSource source)
{
    public const string PositionHeader = "Ledger-Position";
    public const string FromHeader = "Ledger-Read-From";
    public const string LagHeader = "Ledger-Replica-Lag";

    public NpgsqlDataSource Source { get; } = source;

    public static implicit operator NpgsqlDataSource(Reads reads) => reads.Source;

    /// <summary>Bound by ASP.NET Core for each request that asks for it.</summary>
    public static async ValueTask<Reads?> BindAsync(HttpContext http)
    {
        var primary = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        if (http.RequestServices.GetService<ReadReplica>() is not { } replica) return new Reads(primary);
        var standing = await replica.StandingAsync(http.RequestAborted);
        var wrote = PositionOf(http);
        if (standing is null || (wrote is { } position && standing.Replayed < position))
        {
            http.Response.Headers[FromHeader] = "primary";
            return new Reads(primary);
        }
        http.Response.Headers[FromHeader] = "replica";
        if (standing.Behind) http.Response.Headers[LagHeader] = standing.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return new Reads(replica.Source);
    }

    private static NpgsqlLogSequenceNumber? PositionOf(HttpContext http)
    {
        var text = http.Request.Headers[PositionHeader].FirstOrDefault() ?? http.Request.Cookies[PositionHeader];
        return text is not null && NpgsqlLogSequenceNumber.TryParse(text, out var position) ? position : null;
    }

    /// <summary>
    /// After a successful write, when a replica is configured: the primary's WAL position, as a header and a cookie, so the
    /// caller's next reads wait for the replica to have it or go to the primary.
    /// </summary>
    public static void UsePositions(WebApplication app)
    {
        if (app.Services.GetService<ReadReplica>() is null) return;
        app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                http.Response.OnStarting(async () =>
                {
                    if (http.Response.StatusCode >= 400) return;
                    await using var command = http.RequestServices.GetRequiredService<NpgsqlDataSource>().CreateCommand("select pg_current_wal_lsn()::text");
                    var position = (string)(await command.ExecuteScalarAsync())!;
                    http.Response.Headers[PositionHeader] = position;
                    http.Response.Cookies.Append(PositionHeader, position, new CookieOptions
                    {
                        HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromMinutes(10),
                    });
                });
            await next(http);
        });
    }
}
