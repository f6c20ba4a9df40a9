using JasperFx.Events.Projections;
using Marten;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Storage;

/// <summary>How far an asynchronous projection is: every event through <paramref name="Position"/> is in it.</summary>
/// <param name="Behind">Events recorded after its position, not yet in it (0 when current).</param>
/// <param name="WaitingSince">When the oldest of those was recorded; null when current.</param>
/// <param name="Head">The last event recorded when this was read.</param>
public sealed record ProjectionStanding(string Projection, long Position, long Behind, Instant? WaitingSince, long Head)
{
    public bool Current => Behind == 0;
}

/// <summary>
/// The projections nobody reads right after writing (histories, timelines) run asynchronously: Marten's daemon applies
/// them after the events commit, on whichever node Wolverine assigns them to. Two writers can then write their tables:
/// the daemon, and a rebuild (or an erasure's rebuild) replaying every event in its own transaction. These rules keep the
/// two from ever writing one event twice, or writing back a name an erasure removed:
/// <list type="bullet">
/// <item>Each daemon batch first takes a shared lock (<see cref="EnterBatch"/>) that a rebuild takes exclusively: a rebuild
/// waits for the batch in flight to commit (and then deletes what it wrote), and a batch that starts during a rebuild
/// waits for it to commit, so every later statement of the batch sees the rebuilt tables.</item>
/// <item>A rebuild records the last event it replayed (<c>async_through</c>), and every statement of these projections
/// applies only events after it (<see cref="NotYetApplied"/>). The daemon does not learn of the rebuild (moving its
/// progression under it would stop its agent), so it reads those events again, and skips them.</item>
/// </list>
/// </summary>
public static class AsyncProjections
{
    /// <summary>The advisory lock between the daemon's batches (shared) and a rebuild (exclusive).</summary>
    public const string BatchLock = "7305112025";

    /// <summary>A condition for a projection's statement, with one parameter, the event's sequence: not yet rebuilt into the tables.</summary>
    public const string NotYetApplied = $"? > (select coalesce(max(async_through), 0) from {LedgerProjections.StateTable})";

    /// <summary>First in every event an asynchronous projection applies (a statement per event: a batch may reuse its operations).</summary>
    public static void EnterBatch(IDocumentOperations operations) =>
        operations.QueueSql($"select pg_advisory_xact_lock_shared({BatchLock})");

    /// <summary>The projections the daemon runs (by name).</summary>
    public static IReadOnlyList<string> Names(IDocumentStore store) =>
        ((DocumentStore)store).Options.Projections.All.Where(p => p.Lifecycle == ProjectionLifecycle.Async).Select(p => p.Name).ToList();

    /// <summary>Where each asynchronous projection stands. Reads <paramref name="db"/>, which may be a replica: it replicates progression too.</summary>
    public static async Task<IReadOnlyList<ProjectionStanding>> StandingAsync(NpgsqlDataSource db, IEnumerable<string> projections, CancellationToken ct)
    {
        var standings = new List<ProjectionStanding>();
        foreach (var projection in projections)
        {
            // The daemon's progression, or the last rebuild's, whichever is further; then what was recorded after it. Read
            // by index, whatever the distance: every page that shows a history asks, and a stopped daemon must not make
            // each ask count the events since. Sequence numbers are dense (a failed append's are filled by tombstones), so
            // the distance is the difference; the waiting time is the first real event's (a tombstone has none).
            await using var command = db.CreateCommand(
                $"""
                 with p as (select greatest(
                   coalesce((select last_seq_id from {LedgerSchema.Name}.mt_event_progression where name = $1), 0),
                   coalesce((select max(async_through) from {LedgerProjections.StateTable}), 0)) as position),
                 h as (select coalesce(max(seq_id), 0) as head from {LedgerSchema.Name}.mt_events)
                 select p.position, greatest(h.head - p.position, 0),
                   (select e.timestamp from {LedgerSchema.Name}.mt_events e where e.seq_id > p.position and isfinite(e.timestamp) order by e.seq_id limit 1),
                   h.head
                 from p, h
                 """);
            command.Parameters.Add(new NpgsqlParameter { Value = ShardOf(projection) });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            standings.Add(new ProjectionStanding(projection, reader.GetInt64(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(2)), reader.GetInt64(3)));
        }
        return standings;
    }

    /// <summary>Further behind than this, a projection is not about to apply the write just made: a reader need not wait for it.</summary>
    public const long FarBehind = 1_000;

    /// <summary>
    /// Waits, at most <paramref name="bound"/>, for <paramref name="projections"/> to hold every event recorded before this
    /// call (a person reading what they just wrote, a host greeting, a test), then says where each stands. A reader passes
    /// <paramref name="unlessBeyond"/> (<see cref="FarBehind"/>): a projection further behind than that (its daemon stopped,
    /// or catching up after a rebuild elsewhere) is not waited for, or every page would wait the whole bound. The daemon
    /// applies a write within milliseconds; when no node runs it, the caller gets the projections as they are, and how
    /// far behind. (Marten's own wait counts only progression rows that exist, so it returns at once before an agent first
    /// starts; a rebuild's <c>async_through</c> counts here too.)
    /// </summary>
    public static async Task<IReadOnlyList<ProjectionStanding>> CatchUpAsync(
        NpgsqlDataSource db, IReadOnlyList<string> projections, TimeSpan bound, CancellationToken ct, long? unlessBeyond = null)
    {
        var standings = await StandingAsync(db, projections, ct);
        var target = standings.Count == 0 ? 0 : standings.Max(s => s.Head);
        var until = DateTimeOffset.UtcNow + bound;
        while (standings.Any(s => s.Position < target) && (unlessBeyond is not { } far || standings.All(s => s.Behind <= far)) && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            standings = await StandingAsync(db, projections, ct);
        }
        return standings;
    }

    /// <summary>The daemon's progression row of a projection that is not sharded.</summary>
    public static string ShardOf(string projection) => projection + ":All";
}
