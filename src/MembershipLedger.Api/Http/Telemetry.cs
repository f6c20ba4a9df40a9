using MembershipLedger.Storage;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MembershipLedger.Api.Http;

/// <summary>
/// What an operator sees of the ledger at work, by OpenTelemetry: traces of every request through Wolverine's handler,
/// Marten's sessions and Npgsql's commands, and metrics (requests, events appended, Marten's and Wolverine's own, the
/// ledger's event count and dead letters). Metrics are scraped at <c>/metrics</c> (Prometheus text); both are exported by
/// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OpenTelemetry:Endpoint</c>) names a collector.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "MembershipLedger";
    public const string MetricsPath = "/metrics";

    public static void AddLedgerTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LedgerMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(tracing => tracing
                // Probes and scrapes every few seconds would bury the requests people make.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(MetricsPath))
                .AddNpgsql()
                .AddSource("Marten")
                .AddSource("Wolverine"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Npgsql", "Marten", "Wolverine*", LedgerMetrics.MeterName)
                .AddPrometheusExporter());
        var endpoint = builder.Configuration["OpenTelemetry:Endpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint)) telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
    }

    /// <summary>Only a serving host reports: a command's short-lived host adding the same meters would be counted twice.</summary>
    public static void MapLedgerTelemetry(this WebApplication app)
    {
        if (app.Services.GetService<LedgerMetrics>() is null) return;
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }
}

/// <summary>
/// The ledger's own gauges, read from the database when scraped: how many events it holds, how far the projections
/// have been replayed, and how many events a projection could not apply. Marten counts appends itself
/// (<c>marten.event.append</c>, on by <c>TrackEventCounters</c>).
/// </summary>
public sealed class LedgerMetrics
{
    public const string MeterName = "MembershipLedger";

    public LedgerMetrics(System.Diagnostics.Metrics.IMeterFactory meters, NpgsqlDataSource db, IDocumentStore store)
    {
        var meter = meters.Create(new System.Diagnostics.Metrics.MeterOptions(MeterName));
        // Per asynchronous projection: events recorded but not yet applied, and how long the oldest of them has waited.
        meter.CreateObservableGauge("ledger.projection.behind",
            () => Standings(db, store).Select(s => new System.Diagnostics.Metrics.Measurement<long>(s.Behind, new KeyValuePair<string, object?>("projection", s.Projection))),
            unit: "{event}", description: "Events recorded that an asynchronous projection has not applied yet");
        meter.CreateObservableGauge("ledger.projection.lag",
            () => Standings(db, store).Select(s => new System.Diagnostics.Metrics.Measurement<double>(
                s.WaitingSince is { } since ? Math.Max(0, (SystemClock.Instance.GetCurrentInstant() - since).TotalSeconds) : 0,
                new KeyValuePair<string, object?>("projection", s.Projection))),
            unit: "s", description: "How long the oldest event an asynchronous projection has not applied has waited (0 when current)");
        meter.CreateObservableGauge("ledger.events", () => Scalar(db, "select coalesce(max(seq_id), 0) from ledger.mt_events"),
            unit: "{event}", description: "The highest event sequence appended");
        meter.CreateObservableGauge("ledger.projections.dead_letters", () => Scalar(db, $"select count(*) from {LedgerProjections.DeadLetterTable}"),
            unit: "{event}", description: "Events some projection could not apply (verify lists them)");
    }

    private static IReadOnlyList<ProjectionStanding> Standings(NpgsqlDataSource db, IDocumentStore store)
    {
        try
        {
            return AsyncProjections.StandingAsync(db, AsyncProjections.Names(store), CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return [];
        }
    }

    private static IEnumerable<System.Diagnostics.Metrics.Measurement<long>> Scalar(NpgsqlDataSource db, string sql)
    {
        long value;
        try
        {
            using var command = db.CreateCommand(sql);
            value = Convert.ToInt64(command.ExecuteScalar());
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // A scrape while the database is down reports no value rather than failing the whole scrape.
            yield break;
        }
        yield return new System.Diagnostics.Metrics.Measurement<long>(value);
    }
}
