using JasperFx.Events.Daemon;
using Marten;
using MembershipLedger.Interchange;
using Npgsql;

namespace MembershipLedger.Storage;

/// <summary>Rebuilds every projection from the events, through the projection daemon.</summary>
public static class LedgerProjections
{
    public static readonly TimeSpan ShardTimeout = TimeSpan.FromMinutes(30);

    public static IReadOnlyList<string> Names(IDocumentStore store) =>
        ((DocumentStore)store).Options.Projections.All.Select(p => p.Name).ToList();

    /// <summary>
    /// Empties the projections' own tables (the daemon's teardown clears documents, not tables that an
    /// event projection declares), then has the daemon replay all events into each projection in turn.
    /// </summary>
    public static async Task RebuildAsync(IDocumentStore store, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        await using (var connection = await LedgerStore.OpenConnectionAsync(store, ct))
        {
            await using var truncate = new NpgsqlCommand($"truncate {string.Join(", ", LedgerSchema.ProjectionTables)}", connection);
            await truncate.ExecuteNonQueryAsync(ct);
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        var names = Names(store);
        for (var i = 0; i < names.Count; i++)
        {
            await daemon.RebuildProjectionAsync(names[i], ShardTimeout, ct);
            progress?.Report(new ImportProgress($"rebuild {names[i]}", i + 1, names.Count));
        }
    }
}
