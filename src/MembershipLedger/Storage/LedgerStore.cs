using MembershipLedger.Activities;
using MembershipLedger.Grants;
using MembershipLedger.Governance;
using MembershipLedger.Timelines;
using JasperFx;
using JasperFx.Events;
using Marten;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using NodaTime;
using Npgsql;
using Weasel.Core;

namespace MembershipLedger.Storage;

/// <summary>The one place the Marten store is configured, shared by the host, the tests and the benchmarks.</summary>
public static class LedgerStore
{
    /// <summary>
    /// The data source the store and the projections' queries share. Roster reads are small and frequent:
    /// auto-preparing their statements skips re-planning, and nothing sets session state that a reset
    /// on return to the pool would need to clear.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        // The ledger qualifies every name it uses, so its sessions need no schema on their search path; keeping "ledger"
        // off it (the embedded cluster's user is also called ledger, which "$user" would add) makes PostgreSQL print
        // the chain's trigger with its qualified function name, as Weasel's schema comparison expects.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 50, NoResetOnClose = true, SearchPath = "public" };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>An open connection to the store's database, for the statements Marten has no API for (imports, truncation before a rebuild).</summary>
    public static async Task<NpgsqlConnection> OpenConnectionAsync(IDocumentStore store, CancellationToken ct = default)
    {
        var connection = (NpgsqlConnection)((DocumentStore)store).Options.Tenancy.Default.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// The event types the ledger records: every registered type but Marten's tombstone, which fills the sequence numbers
    /// of a failed append and is registered once one is written. No door takes it and the catalogue does not list it.
    /// </summary>
    public static IReadOnlyList<IEventType> EventTypes(Marten.Events.IReadOnlyEventStoreOptions events) =>
        events.AllKnownEventTypes().Where(t => t.EventType != typeof(Tombstone)).ToList();

    /// <summary>A store outside the web host (the benchmarks), with its whole schema applied: tables, projections, the event chain.</summary>
    public static async Task<IDocumentStore> OpenAsync(NpgsqlDataSource dataSource, IClock clock)
    {
        var options = new StoreOptions();
        Configure(options, dataSource, clock);
        var store = new DocumentStore(options);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    public static void Configure(StoreOptions options, NpgsqlDataSource dataSource, IClock clock, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        options.Connection(dataSource);
        options.DatabaseSchemaName = LedgerSchema.Name;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(casing: Casing.CamelCase, configure: o => Json.Configure(o));

        // Streams are named by readable keys: a group slug, or "group:member" for an affiliation.
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // Rich appends assign versions, sequences and timestamps before inline projections run,
        // which the roster and history projections read.
        options.Events.AppendMode = EventAppendMode.Rich;
        options.Events.TimeProvider = new ClockTimeProvider(clock);
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        // The daemon wakes on Marten's notification, sent once per sealing pass by the chain's sealer (EventChain) rather
        // than by every appending transaction: PostgreSQL serializes notifying transactions through their commit, and
        // 32 concurrent writers queued on it. The asynchronous projections still apply a write within milliseconds.
        options.Events.UseListenNotifyForEventAppends = false;
        options.Projections.Wakeup = new Marten.Events.Daemon.HighWater.PostgresqlListenWakeup(dataSource,
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        options.AddGroups();
        options.AddMemberships();
        options.AddPeople();
        options.AddActivities();
        options.AddGrants();
        options.AddGovernance();
        options.AddTimelines();
        options.AddEventChain();
        options.AddProjectionState();
        options.Listeners.Add(new EventRulesGuard(clock));
        // Spans for sessions' connections (recorded only when a tracer listens) and a counter of events appended.
        options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
        options.OpenTelemetry.TrackEventCounters();
    }
}
