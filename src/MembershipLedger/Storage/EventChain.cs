using System.Security.Cryptography;
using Marten;
using Npgsql;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace MembershipLedger.Storage;

/// <summary>
/// Tamper evidence: every row of Marten's event table is chained to the one before it by a SHA-256 hash, written
/// by a trigger on the event table, so in the very transaction that appends the event, whichever path appended it
/// (a session, the bulk COPY of an import, SQL by hand). <c>row_hash</c> covers every column Marten writes once;
/// <c>chain_hash</c> = SHA-256(previous chain_hash ‖ sealed row hash). <see cref="VerifyAsync"/> recomputes both.
/// <para>
/// Erasing personal data rewrites rows on purpose. The erasure then records each rewritten row's new hash beside the
/// sealed one, naming the erasure event that did it; the chain itself stays over the sealed hashes, so it still
/// proves the order and the count of every event ever appended.
/// </para>
/// <para>
/// The chain has one head, and two transactions must not both extend it from the same link: extending it takes a
/// transaction-scoped advisory lock (<see cref="HeadLock"/>). The trigger that does it is a deferred constraint trigger,
/// so it runs as its transaction commits: the lock is held for the chaining and the commit itself, not while the
/// appending transaction still writes its projections and waits on its client. Concurrent writers take turns for their
/// link and their commit's flush (about a millisecond each on the benchmark machine), not for their whole transaction;
/// that turn is what limits 32 concurrent writers (docs/benchmarks.md, "Concurrent sign-ups").
/// A second, ordinary trigger takes the append lock (<see cref="ChainLock"/>) in shared mode at the event's insert:
/// appends do not wait for one another, but an import or a rebuild, holding it exclusively, keeps them all out.
/// </para>
/// </summary>
public static class EventChain
{
    public const string Table = LedgerSchema.Name + ".event_chain";
    private const string RowHashFunction = LedgerSchema.Name + ".event_row_hash";
    private const string TriggerFunction = LedgerSchema.Name + ".chain_event";

    /// <summary>
    /// The append lock (an arbitrary constant): every appending transaction holds it shared until it ends; an import, a
    /// rebuild and an erasure hold it exclusively, so appends wait for them and they wait for the appends in flight.
    /// </summary>
    public const string ChainLock = "7305112024";

    /// <summary>The chain's head (an arbitrary constant): held by the committing transaction that extends it.</summary>
    public const string HeadLock = "7305112026";

    private const string ShareFunction = LedgerSchema.Name + ".share_append_lock";

    // Both functions are written exactly as pg_get_functiondef prints them back: Weasel compares that text with this
    // one, and any difference would have every start drop and re-create them (and with them the trigger).

    /// <summary>
    /// The hash of one event row, as both the trigger and the verifier compute it. The recording time enters as microseconds;
    /// an infinite one (Marten's tombstones, the rows that fill the sequence numbers of a failed append, carry no time) as
    /// its text, where the cast to microseconds would fail and with it the tombstone's write.
    /// </summary>
    private const string RowHashSql = $"""
        CREATE OR REPLACE FUNCTION {RowHashFunction}(seq bigint, id uuid, stream text, version bigint, type text, data jsonb, headers jsonb, ts timestamp with time zone, user_name text, correlation text, causation text, tenant text)
         RETURNS bytea
         LANGUAGE sql
         IMMUTABLE
        AS $function$
          select sha256(convert_to(jsonb_build_array(seq, id, stream, version, type, data, headers,
            case when isfinite(ts) then to_jsonb((extract(epoch from ts) * 1000000)::bigint) else to_jsonb(ts::text) end,
            user_name, correlation, causation, tenant)::text, 'UTF8'))
        $function$;
        """;

    private const string RowHashOfEvent =
        $"{RowHashFunction}(e.seq_id, e.id, e.stream_id, e.version, e.type, e.data, e.headers, e.timestamp, e.user_name, e.correlation_id, e.causation_id, e.tenant_id)";

    /// <summary>A trigger function's definition, in the form pg_get_functiondef prints back (see above).</summary>
    private static string TriggerFunctionDefinition(string name, string body) => $"""
        CREATE OR REPLACE FUNCTION {name}()
         RETURNS trigger
         LANGUAGE plpgsql
        AS $function$
        {body}
        $function$;
        """;

    /// <summary>Extends the chain by the inserted event, at commit (the trigger is deferred).</summary>
    private static readonly string TriggerFunctionSql = TriggerFunctionDefinition(TriggerFunction, $"""
        declare
          previous_link bigint;
          previous_hash bytea;
          sealed bytea;
        begin
          perform pg_advisory_xact_lock({HeadLock});
          -- The row as it commits (a later statement of the same transaction may have changed or removed it).
          select {RowHashOfEvent} into sealed from {LedgerSchema.Name}.mt_events e where e.seq_id = new.seq_id;
          if not found then
            return null;
          end if;
          select link, chain_hash into previous_link, previous_hash from {Table} order by link desc limit 1;
          insert into {Table} (link, seq_id, event_id, sealed_hash, row_hash, chain_hash)
          values (coalesce(previous_link, 0) + 1, new.seq_id, new.id, sealed, sealed,
                  sha256(coalesce(previous_hash, ''::bytea) || sealed));
          return null;
        end
        """);

    /// <summary>Takes the append lock, shared, at the event's insert.</summary>
    private static readonly string ShareFunctionSql = TriggerFunctionDefinition(ShareFunction, $"""
        begin
          perform pg_advisory_xact_lock_shared({ChainLock});
          return null;
        end
        """);

    /// <summary>
    /// The chain's table, functions and trigger, as a feature of the store's schema. A feature of our own rather than
    /// <c>Storage.ExtendedSchemaObjects</c>: Marten applies custom features after the event tables, and the trigger
    /// needs <c>mt_events</c> to exist.
    /// </summary>
    public static void AddEventChain(this StoreOptions options) => options.Storage.Add(new Schema());

    private sealed class Schema() : FeatureSchemaBase("EventChain", new PostgresqlMigrator())
    {
        public override Type StorageType => typeof(Schema);

        protected override IEnumerable<ISchemaObject> schemaObjects()
        {
            var table = new Table(Table);
            table.AddColumn<long>("link").AsPrimaryKey();
            table.AddColumn<long>("seq_id").NotNull();
            table.AddColumn<Guid>("event_id").NotNull();
            table.AddColumn("sealed_hash", "bytea").NotNull();
            table.AddColumn("row_hash", "bytea").NotNull();
            table.AddColumn("chain_hash", "bytea").NotNull();
            table.AddColumn<Guid>("amended_by");
            table.Indexes.Add(new IndexDefinition("ix_event_chain_seq") { Columns = ["seq_id"], IsUnique = true });
            yield return table;
            yield return Function.ForSql(RowHashSql);
            yield return Function.ForSql(TriggerFunctionSql);
            yield return Function.ForSql(ShareFunctionSql);
            yield return new Trigger(LedgerSchema.Name + ".chain_event_on_append", LedgerSchema.Name + ".mt_events", $"{ShareFunction}()")
            {
                Timing = TriggerTiming.After, Events = TriggerEvents.Insert, ForEachRow = true,
            };
            yield return new DeferredTrigger("chain_event_on_commit", "mt_events", TriggerFunction);
        }
    }

    /// <summary>
    /// A constraint trigger deferred to commit, which Weasel's <see cref="Trigger"/> does not write. Compared with the
    /// database by <c>pg_get_triggerdef</c>, as Weasel compares its own triggers.
    /// </summary>
    private sealed class DeferredTrigger(string name, string table, string function) : ISchemaObject
    {
        private string Create =>
            $"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON {LedgerSchema.Name}.{table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()";

        public DbObjectName Identifier => new PostgresqlObjectName(LedgerSchema.Name, name, SchemaUtils.IdentifierUsage.General);

        public void WriteCreateStatement(Migrator migrator, TextWriter writer) => writer.WriteLine(Create + ";");

        public void WriteDropStatement(Migrator migrator, TextWriter writer) =>
            writer.WriteLine($"DROP TRIGGER IF EXISTS {name} ON {LedgerSchema.Name}.{table};");

        public void ConfigureQueryCommand(DbCommandBuilder builder) => builder.Append(
            $"""
             select pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid
             join pg_namespace n on n.oid = c.relnamespace
             where t.tgname = '{name}' and c.relname = '{table}' and n.nspname = '{LedgerSchema.Name}';
             """);

        public async Task<ISchemaObjectDelta> CreateDeltaAsync(System.Data.Common.DbDataReader reader, CancellationToken ct) =>
            new SchemaObjectDelta(this, !await reader.ReadAsync(ct) ? SchemaPatchDifference.Create
                : Unqualified(reader.GetString(0)) == Unqualified(Create) ? SchemaPatchDifference.None : SchemaPatchDifference.Update);

        // pg_get_triggerdef leaves out the schema of whatever is on the search path.
        private static string Unqualified(string definition) => definition.Replace(LedgerSchema.Name + ".", "").Replace("\"", "");

        public IEnumerable<DbObjectName> AllNames() => [Identifier];
    }

    /// <summary>
    /// Takes, in <paramref name="tx"/>, the lock every appending transaction takes in the chain's trigger: from here until
    /// <paramref name="tx"/> ends, appends wait. A rebuild holds it so no append is both replayed and projected inline.
    /// </summary>
    public static async Task LockAppendsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select pg_advisory_xact_lock({ChainLock})", connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQL for an erasure's session (parameters: the erasure id, the rewritten events' sequence numbers): after those events were rewritten, record their
    /// new row hashes and the erasure that explains them. Runs in the erasure's own transaction.
    /// </summary>
    public const string AmendSql = $"""
        update {Table} c set row_hash = {RowHashOfEvent}, amended_by = ?
        from {LedgerSchema.Name}.mt_events e
        where e.seq_id = c.seq_id and c.seq_id = any(?)
        """;

    /// <summary>What <see cref="VerifyAsync"/> found.</summary>
    /// <param name="FirstBroken">The first event whose stored row no longer matches its chain, or null when all do.</param>
    /// <param name="Head">The last link's hash: note it somewhere else, and a later verify proves nothing before it was rewritten wholesale.</param>
    public sealed record Verification(bool Intact, long Events, long Amended, BrokenLink? FirstBroken, string? Head);

    /// <param name="Problem"><c>altered</c>, <c>missing</c> (a chained event's row is gone), <c>unchained</c>
    /// (a row the chain never saw), <c>chain</c> (the chain's own hashes were edited) or <c>unexplained-amendment</c>.</param>
    public sealed record BrokenLink(long Sequence, Guid? EventId, string? StreamKey, long? Version, string Problem, string Detail);

    /// <summary>Walks the chain from its first link, recomputing every row's hash and every link.</summary>
    public static async Task<Verification> VerifyAsync(IDocumentStore store, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        var erasures = new HashSet<Guid>();
        await using (var read = new NpgsqlCommand(
                         $"select (data ->> 'erasureId')::uuid from {LedgerSchema.Name}.mt_events where type = 'personal-data-erased'", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) erasures.Add(reader.GetGuid(0));

        BrokenLink? broken = null;
        long count = 0, amended = 0;
        byte[] previous = [];
        await using (var walk = new NpgsqlCommand(
                         $"""
                          select c.link, c.seq_id, c.event_id, c.sealed_hash, c.row_hash, c.chain_hash, c.amended_by,
                                 e.seq_id is not null, e.stream_id, e.version, {RowHashOfEvent}
                          from {Table} c left join {LedgerSchema.Name}.mt_events e on e.seq_id = c.seq_id
                          order by c.link
                          """, connection, tx))
        await using (var reader = await walk.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                count++;
                var seq = reader.GetInt64(1);
                var eventId = reader.GetGuid(2);
                var sealedHash = (byte[])reader[3];
                var rowHash = (byte[])reader[4];
                var chainHash = (byte[])reader[5];
                Guid? amendedBy = reader.IsDBNull(6) ? null : reader.GetGuid(6);
                var exists = reader.GetBoolean(7);
                string? stream = exists ? reader.GetString(8) : null;
                long? version = exists ? reader.GetInt64(9) : null;
                byte[]? actual = exists ? (byte[])reader[10] : null;
                if (amendedBy is not null) amended++;

                var expectedChain = SHA256.HashData([.. previous, .. sealedHash]);
                previous = chainHash;
                if (broken is not null) continue;
                if (!expectedChain.AsSpan().SequenceEqual(chainHash))
                    broken = new BrokenLink(seq, eventId, stream, version, "chain",
                        $"Link {reader.GetInt64(0)}'s chain hash does not follow from the links before it: the chain table itself was edited.");
                else if (!exists)
                    broken = new BrokenLink(seq, eventId, null, null, "missing", $"Event {seq} ({eventId}) was appended but its row is gone.");
                else if (!actual!.AsSpan().SequenceEqual(rowHash))
                    broken = new BrokenLink(seq, eventId, stream, version, "altered",
                        $"Event {seq} ({stream} version {version}) no longer matches the row that was appended.");
                else if (!rowHash.AsSpan().SequenceEqual(sealedHash) && (amendedBy is null || !erasures.Contains(amendedBy.Value)))
                    broken = new BrokenLink(seq, eventId, stream, version, "unexplained-amendment",
                        $"Event {seq} ({stream} version {version}) was rewritten, and no recorded erasure accounts for it.");
            }
        }

        await using (var orphans = new NpgsqlCommand(
                         $"""
                          select e.seq_id, e.id, e.stream_id, e.version from {LedgerSchema.Name}.mt_events e
                          where not exists (select 1 from {Table} c where c.seq_id = e.seq_id) order by e.seq_id limit 1
                          """, connection, tx))
        await using (var reader = await orphans.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                var orphan = new BrokenLink(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), "unchained",
                    $"Event {reader.GetInt64(0)} ({reader.GetString(2)} version {reader.GetInt64(3)}) is in the event table but was never chained.");
                if (broken is null || orphan.Sequence < broken.Sequence) broken = orphan;
            }
        }

        return new Verification(broken is null, count, amended, broken, count == 0 ? null : Convert.ToHexStringLower(previous));
    }
}
