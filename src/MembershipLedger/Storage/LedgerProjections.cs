using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using JasperFx.Events.Aggregation;
using Marten.Services;
using MembershipLedger.Interchange;
using NodaTime;
using Npgsql;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace MembershipLedger.Storage;

/// <summary>What the projections hold, as a reader or an operator needs to know it.</summary>
/// <param name="Current">The projections were built by this version's definitions and no rebuild is pending.</param>
/// <param name="ProjectedThrough">The last event sequence a rebuild or an import replayed into the inline projections (ordinary writes project inline, in their own transaction).</param>
/// <param name="DeadLetters">Events some projection could not apply: recorded, skipped, and listed by <c>verify</c>.</param>
public sealed record ProjectionStatus(bool Current, string? Definition, long ProjectedThrough, Instant? RebuiltAt, string? RebuildRequested, long DeadLetters);

/// <summary>An event a projection could not apply: kept, with the error, instead of stopping every later event.</summary>
public sealed record DeadLetter(long Sequence, Guid EventId, string StreamKey, string EventType, string Projection, string Error);

/// <summary>
/// Applies the ledger's projections to stored events and rebuilds them, always inside one transaction:
/// <list type="bullet">
/// <item>Readers never see a half-built table: a rebuild deletes and refills the tables in its transaction, so until it
/// commits every reader (MVCC) sees the complete tables as they were.</item>
/// <item>Writes are projected exactly once: the rebuild first takes the lock every appending transaction takes for the
/// event chain, so an append waits for the rebuild to commit and is then projected inline, on top of it.</item>
/// <item>A crash leaves nothing half done: the transaction rolls back. A rebuild asked for is recorded first and the
/// host finishes it on its next start (<see cref="EnsureCurrentAsync"/>), as it does for a ledger whose projections were
/// built by other definitions.</item>
/// <item>A projection that cannot apply an event (a poison event) does not stop: the event is recorded as a dead letter
/// with the error, and the replay goes on.</item>
/// </list>
/// The projections with tables of their own (roster, history, timeline, spend trail) replay in memory and are copied in
/// at the end (<see cref="IBulkProjection"/>: the same reading of each event as their statements, applied to rows); the
/// documents (groups, activities, grants, statements, account names) replay through the very projections Marten runs on
/// <c>SaveChanges</c> (<c>BuildForInline</c>). The asynchronous ones (history, timeline) are rebuilt in the same
/// transaction and kept apart from Marten's daemon by the rules in <see cref="AsyncProjections"/>.
/// </summary>
public static class LedgerProjections
{
    /// <summary>Notified by a rebuild as it commits: the projections may now answer differently (after an event was repaired by hand).</summary>
    public const string RebuiltChannel = "ledger_changed";

    /// <summary>
    /// Names the projections' meaning. Change it with any change to what a projection writes: every ledger built by an
    /// earlier definition is then rebuilt on its next start.
    /// </summary>
    public const string Definition = "2026-11-29.5";

    public const string StateTable = LedgerSchema.Name + ".projection_state";
    public const string DeadLetterTable = LedgerSchema.Name + ".projection_dead_letters";

    private const int PageSize = 5_000;

    public static IReadOnlyList<string> Names(IDocumentStore store) =>
        ((DocumentStore)store).Options.Projections.All.Select(p => p.Name).ToList();

    /// <summary>The state and dead-letter tables, as a feature of the store's schema.</summary>
    public static void AddProjectionState(this StoreOptions options) => options.Storage.Add(new Schema());

    private sealed class Schema() : FeatureSchemaBase("ProjectionState", new PostgresqlMigrator())
    {
        public override Type StorageType => typeof(Schema);

        protected override IEnumerable<ISchemaObject> schemaObjects()
        {
            var state = new Table(StateTable);
            state.AddColumn<int>("id").AsPrimaryKey();
            state.AddColumn<string>("definition");
            state.AddColumn<long>("projected_through").NotNull().DefaultValue(0);
            state.AddColumn("rebuilt_at", "timestamptz");
            state.AddColumn<string>("rebuild_requested");
            // The last event a rebuild replayed into the asynchronous projections (AsyncProjections): the daemon skips up to it.
            state.AddColumn<long>("async_through").NotNull().DefaultValue(0);
            yield return state;

            var letters = new Table(DeadLetterTable);
            letters.AddColumn<long>("seq").AsPrimaryKey();
            letters.AddColumn<string>("projection").AsPrimaryKey();
            letters.AddColumn<Guid>("event_id").NotNull();
            letters.AddColumn<string>("stream_key").NotNull();
            letters.AddColumn<string>("event_type").NotNull();
            letters.AddColumn<string>("error").NotNull();
            letters.AddColumn("recorded_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
            yield return letters;
        }
    }

    /// <summary>Records durably that the projections must be rebuilt; the next rebuild, or the host's next start, does it.</summary>
    public static async Task RequestRebuildAsync(IDocumentStore store, string why, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await ExecuteAsync(connection, null, ct,
            $"insert into {StateTable} (id, rebuild_requested) values (1, $1) on conflict (id) do update set rebuild_requested = excluded.rebuild_requested", why);
    }

    public static async Task<ProjectionStatus> StatusAsync(IDocumentStore store, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var command = new NpgsqlCommand(
            $"""
             select s.definition, s.projected_through, s.rebuilt_at, s.rebuild_requested, (select count(*) from {DeadLetterTable})
             from (select 1) one left join {StateTable} s on s.id = 1
             """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var definition = reader.IsDBNull(0) ? null : reader.GetString(0);
        var requested = reader.IsDBNull(3) ? null : reader.GetString(3);
        return new ProjectionStatus(definition == Definition && requested is null, definition, reader.IsDBNull(1) ? 0 : reader.GetInt64(1),
            reader.IsDBNull(2) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(2)), requested, reader.GetInt64(4));
    }

    public static async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(IDocumentStore store, int limit = 100, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var command = new NpgsqlCommand(
            $"select seq, event_id, stream_key, event_type, projection, error from {DeadLetterTable} order by seq, projection limit $1", connection)
        {
            Parameters = { new() { Value = limit } },
        };
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            letters.Add(new DeadLetter(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        return letters;
    }

    /// <summary>
    /// On start: rebuilds when the projections were built by another definition (or by a version of the ledger that kept
    /// no state), or when a rebuild was asked for and did not finish. Returns why it rebuilt, or null.
    /// </summary>
    public static async Task<string?> EnsureCurrentAsync(IDocumentStore store, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var status = await StatusAsync(store, ct);
        if (status.Current) return null;
        var why = status.RebuildRequested is { } requested ? $"a rebuild was asked for and had not finished ({requested})"
            : status.Definition is null ? "the projections were built before the ledger kept their state"
            : $"the projections were built by definition {status.Definition}, this version's is {Definition}";
        var empty = status.Definition is null && !await AnyEventAsync(store, ct);
        await RebuildAsync(store, progress, ct);
        // A new, empty ledger is only stamped with this definition: nothing was rebuilt worth a warning.
        return empty ? null : why;
    }

    private static async Task<bool> AnyEventAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var command = new NpgsqlCommand($"select exists (select 1 from {LedgerSchema.Name}.mt_events)", connection);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Rebuilds every projection from the events in one transaction (see the class summary).</summary>
    public static async Task RebuildAsync(IDocumentStore store, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await RebuildAsync(store, tx, progress, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Rebuilds inside <paramref name="tx"/>, for an operation whose own writes must commit with the rebuild (an erasure).</summary>
    public static async Task RebuildAsync(IDocumentStore store, NpgsqlTransaction tx, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var connection = tx.Connection!;
        // Appends wait from here until commit, so none is both replayed here and projected inline beside it; and the
        // daemon's batch in flight, if any, commits first (its rows are deleted below), the next waits for this one.
        await EventChain.LockAppendsAsync(connection, tx, ct);
        await ExecuteAsync(connection, tx, ct, $"select pg_advisory_xact_lock({AsyncProjections.BatchLock})");
        // DELETE, not TRUNCATE: TRUNCATE would lock readers out until commit; DELETE lets them read the old rows meanwhile.
        foreach (var table in LedgerSchema.ProjectionTables.Append(DeadLetterTable))
            await ExecuteAsync(connection, tx, ct, $"delete from {table}");

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        foreach (var documentType in ProjectedDocumentTypes(store))
            await ExecuteAsync(connection, tx, ct, $"delete from {((DocumentStore)store).Options.For(documentType)}");

        long total;
        await using (var count = new NpgsqlCommand($"select count(*) from {LedgerSchema.Name}.mt_events", connection, tx))
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        // The projections with tables of their own replay in memory and are copied at the end (IBulkProjection); the
        // documents (groups, activities, grants, statements) go through Marten's own inline projections, page by page.
        var bulk = ((DocumentStore)store).Options.Projections.All.OfType<IBulkProjection>().Select(p => (p.Name, Replay: p.StartReplay())).ToList();
        var replayed = Replayed(store).Where(p => bulk.All(b => b.Name != p.Name)).ToList();
        long after = 0, done = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var e in page)
            foreach (var (name, replay) in bulk)
            {
                try
                {
                    replay.Apply(e);
                }
                catch (Exception error) when (!ct.IsCancellationRequested)
                {
                    await DeadLetterAsync(tx, name, e, error, ct);
                }
            }
            await ApplyAsync(replayed, session, tx, page.Where(e => replayed.Any(p => p.Handles(e))).ToList(), ct);
            after = page[^1].Sequence;
            done += page.Count;
            progress?.Report(new ImportProgress("rebuild", done, total));
        }
        foreach (var (_, replay) in bulk) await replay.WriteAsync(connection, tx, ct);
        await StampAsync(connection, tx, after, rebuilt: true, ct);
        await ExecuteAsync(connection, tx, ct, $"select pg_notify('{RebuiltChannel}', '')");
    }

    /// <summary>
    /// Applies every projection, inline and asynchronous, to <paramref name="events"/> (stored, in sequence order) in
    /// <paramref name="session"/>'s transaction. A projection that throws on an event gets that event recorded as a dead letter instead.
    /// </summary>
    private static async Task ApplyAsync(IReadOnlyList<MartenReplay> projections, IDocumentSession session, NpgsqlTransaction tx, IReadOnlyList<IEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        foreach (var segment in Segments(events))
        {
            await tx.SaveAsync("projection_segment", ct);
            try
            {
                foreach (var (_, projection, _) in projections)
                    await projection.ApplyAsync(session, segment, ct);
                await session.SaveChangesAsync(ct);
                await tx.ReleaseAsync("projection_segment", ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await tx.RollbackAsync("projection_segment", ct);
                session.EjectAllPendingChanges();
                // Find the event and the projection at fault, one at a time; everything else still applies.
                foreach (var action in segment)
                foreach (var e in action.Events)
                foreach (var (name, projection, _) in projections)
                    await ApplyOneAsync(session, tx, name, projection, action.Key!, e, ct);
            }
        }
    }

    private static async Task ApplyOneAsync(IDocumentSession session, NpgsqlTransaction tx, string name,
        JasperFx.Events.Projections.IInlineProjection<IDocumentOperations> projection, string stream, IEvent e, CancellationToken ct)
    {
        await tx.SaveAsync("projection_event", ct);
        try
        {
            await projection.ApplyAsync(session, [StreamAction.Append(stream, new[] { e })], ct);
            await session.SaveChangesAsync(ct);
            await tx.ReleaseAsync("projection_event", ct);
        }
        catch (Exception error) when (!ct.IsCancellationRequested)
        {
            await tx.RollbackAsync("projection_event", ct);
            session.EjectAllPendingChanges();
            await DeadLetterAsync(tx, name, e, error, ct);
        }
    }

    private static Task DeadLetterAsync(NpgsqlTransaction tx, string projection, IEvent e, Exception error, CancellationToken ct) =>
        ExecuteAsync(tx.Connection!, tx, ct,
            $"""
             insert into {DeadLetterTable} (seq, projection, event_id, stream_key, event_type, error) values ($1, $2, $3, $4, $5, $6)
             on conflict (seq, projection) do update set error = excluded.error, recorded_at = now()
             """,
            e.Sequence, projection, e.Id, e.StreamKey!, e.EventTypeName, Shorten($"{error.GetType().Name}: {error.Message}"));

    /// <summary>
    /// Records that the inline projections hold every event through <paramref name="sequence"/>, built by this definition;
    /// after a rebuild (<paramref name="rebuilt"/>), the asynchronous ones too.
    /// </summary>
    public static Task StampAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long sequence, bool rebuilt, CancellationToken ct) =>
        ExecuteAsync(connection, tx, ct,
            $"""
             insert into {StateTable} (id, definition, projected_through, rebuilt_at, rebuild_requested, async_through)
             values (1, $1, $2, now(), null, case when $3 then $2 else 0 end)
             on conflict (id) do update set definition = case when $3 then excluded.definition else {StateTable}.definition end,
               projected_through = greatest({StateTable}.projected_through, excluded.projected_through),
               rebuilt_at = case when $3 then excluded.rebuilt_at else {StateTable}.rebuilt_at end,
               rebuild_requested = case when $3 then null else {StateTable}.rebuild_requested end,
               async_through = case when $3 then excluded.async_through else {StateTable}.async_through end
             """,
            Definition, sequence, rebuilt);

    /// <summary>
    /// Cuts events into runs the inline projections can take at once: within a run each stream's events are contiguous,
    /// as in one <c>SaveChanges</c>; a stream that comes back after another stream's events starts a new run, so
    /// projections that read across streams see them in the order they were appended.
    /// </summary>
    private static IEnumerable<List<StreamAction>> Segments(IReadOnlyList<IEvent> events)
    {
        var segment = new List<StreamAction>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var run = new List<IEvent>();
        string? current = null;
        foreach (var e in events)
        {
            var key = e.StreamKey!;
            if (key != current)
            {
                if (current is not null) segment.Add(StreamAction.Append(current, [.. run]));
                run.Clear();
                if (!seen.Add(key))
                {
                    yield return segment;
                    segment = [];
                    seen.Clear();
                    seen.Add(key);
                }
                current = key;
            }
            run.Add(e);
        }
        if (current is not null) segment.Add(StreamAction.Append(current, [.. run]));
        if (segment.Count > 0) yield return segment;
    }

    /// <summary>A projection a rebuild replays through Marten, and the events it takes (the others need not reach it).</summary>
    private sealed record MartenReplay(string Name, JasperFx.Events.Projections.IInlineProjection<IDocumentOperations> Projection, IReadOnlySet<Type> Takes)
    {
        public bool Handles(IEvent e) => Takes.Count == 0 || Takes.Contains(e.EventType);
    }

    /// <summary>What a rebuild replays: the inline projections, and the asynchronous ones in the same transaction (<see cref="AsyncProjections"/>).</summary>
    private static IReadOnlyList<MartenReplay> Replayed(IDocumentStore store) =>
        ((DocumentStore)store).Options.Projections.All
            .Where(p => p.Lifecycle is ProjectionLifecycle.Inline or ProjectionLifecycle.Async)
            .Select(p => new MartenReplay(p.Name, p.BuildForInline(), ((p as EventFilterable)?.IncludedEventTypes ?? []).ToHashSet()))
            .ToList();

    /// <summary>The documents that snapshot projections write (groups, activities, grants): emptied before a rebuild.</summary>
    private static IEnumerable<Type> ProjectedDocumentTypes(IDocumentStore store) =>
        ((DocumentStore)store).Options.Projections.All.OfType<IAggregateProjection>().Where(p => p.Lifecycle == ProjectionLifecycle.Inline).Select(p => p.AggregateType)
            .Concat(((DocumentStore)store).Options.Projections.All.OfType<IWritesDocuments>().SelectMany(p => p.Documents));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}

/// <summary>
/// An event projection that keeps documents: a rebuild deletes them first, as it does the aggregates' (an erasure renames
/// streams, so a document keyed by a stream's old key would otherwise outlive it).
/// </summary>
public interface IWritesDocuments
{
    IEnumerable<Type> Documents { get; }
}
