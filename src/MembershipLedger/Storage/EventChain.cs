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
/// Tamper evidence: every row of Marten's event table is chained to the one sealed before it by a SHA-256 hash.
/// <c>row_hash</c> covers every column Marten writes once; <c>chain_hash</c> = SHA-256(previous chain_hash ‖ sealed row
/// hash). <see cref="VerifyAsync"/> recomputes both.
/// <para>
/// Sealing happens just after commit, in batches, by one sealer at a time (<see cref="Seal"/>,
/// run by <see cref="ChainSealer"/> on every host). A trigger on the event table notes every appended row in
/// <see cref="PendingTable"/> in the appending transaction, whichever path appended it (a session, the COPY of an
/// import, SQL by hand); the sealer links the noted rows in order of their sequence numbers and removes the notes.
/// Appending transactions therefore never wait for one another: earlier versions extended the chain in each appending
/// transaction, under one lock held through its commit's flush, and 32 concurrent writers queued on it
/// (docs/benchmarks.md, "Concurrent sign-ups"). What that costs is a window: an event is proved from its sealing on,
/// milliseconds after its commit; a row changed or removed by hand before then leaves no trace (docs/operators.md).
/// An import and an erasure seal inside their own transaction, so what they wrote is sealed when they answer.
/// </para>
/// <para>
/// Erasing personal data rewrites rows on purpose. The erasure then records each rewritten row's new hash beside the
/// sealed one, naming the erasure event that did it; the chain itself stays over the sealed hashes, so it still
/// proves the order and the count of every event ever appended.
/// </para>
/// <para>
/// The same trigger takes the append lock (<see cref="ChainLock"/>) in shared mode: appends do not wait for one another,
/// but an import, a rebuild or an erasure, holding it exclusively, keeps them all out.
/// </para>
/// </summary>
public static class EventChain
{
    public const string Table = LedgerSchema.Name + ".event_chain";

    /// <summary>The appended events not yet sealed: their sequence numbers, written by the append's own transaction.</summary>
    public const string PendingTable = LedgerSchema.Name + ".event_chain_pending";

    private const string RowHashFunction = LedgerSchema.Name + ".event_row_hash";
    private const string NoteFunction = LedgerSchema.Name + ".note_appended_events";
    private const string SealFunction = LedgerSchema.Name + ".seal_events";

    /// <summary>
    /// The append lock (an arbitrary constant): every appending transaction holds it shared until it ends; an import, a
    /// rebuild and an erasure hold it exclusively, so appends wait for them and they wait for the appends in flight.
    /// </summary>
    public const string ChainLock = "7305112024";

    /// <summary>The chain's head (an arbitrary constant): held by the one transaction sealing at a time.</summary>
    public const string HeadLock = "7305112026";

    /// <summary>The most events one sealing pass links: a long backlog (after an outage) is sealed in several commits.</summary>
    public const int SealBatch = 5_000;

    // The functions are written exactly as pg_get_functiondef prints them back: Weasel compares that text with this
    // one, and any difference would have every start drop and re-create them (and with them the trigger).

    /// <summary>
    /// The hash of one event row, as both the sealer and the verifier compute it. The recording time enters as microseconds;
    /// an infinite one (Marten's tombstones, the rows that fill the sequence numbers of a failed append, carry no time) as
    /// its text, where the cast to microseconds would fail and with it the tombstone's sealing.
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

    /// <summary>
    /// Notes an insert's rows for the sealer and takes the append lock, shared. Once per statement, over its transition
    /// table: an import's COPY of many thousand rows costs one insert here.
    /// </summary>
    private const string NoteFunctionSql = $"""
        CREATE OR REPLACE FUNCTION {NoteFunction}()
         RETURNS trigger
         LANGUAGE plpgsql
        AS $function$
        begin
          perform pg_advisory_xact_lock_shared({ChainLock});
          insert into {PendingTable} (seq_id) select seq_id from appended;
          return null;
        end
        $function$;
        """;

    /// <summary>
    /// Links up to <c>most</c> noted events to the chain in order of their sequence numbers, and removes their notes. With
    /// <c>wait</c> false it gives up at once (-1) when another transaction is sealing. A noted event whose row is gone
    /// (removed before it was sealed) is dropped from the notes unlinked. One notification per pass wakes the daemons
    /// and the answer caches of every node (Marten's channel, which its daemon listens on).
    /// </summary>
    private const string SealFunctionSql = $"""
        CREATE OR REPLACE FUNCTION {SealFunction}(wait boolean, most integer)
         RETURNS integer
         LANGUAGE plpgsql
        AS $function$
        declare
          previous_link bigint;
          previous_hash bytea;
          taken bigint[] := array[]::bigint[];
          noted record;
        begin
          if wait then
            perform pg_advisory_xact_lock({HeadLock});
          elsif not pg_try_advisory_xact_lock({HeadLock}) then
            return -1;
          end if;
          select link, chain_hash into previous_link, previous_hash from {Table} order by link desc limit 1;
          previous_link := coalesce(previous_link, 0);
          previous_hash := coalesce(previous_hash, ''::bytea);
          for noted in
            select p.seq_id, e.id, {RowHashOfEvent} as sealed
            from (select seq_id from {PendingTable} order by seq_id limit most) p
            left join {LedgerSchema.Name}.mt_events e on e.seq_id = p.seq_id
            order by p.seq_id
          loop
            taken := array_append(taken, noted.seq_id);
            continue when noted.id is null;
            previous_link := previous_link + 1;
            previous_hash := sha256(previous_hash || noted.sealed);
            insert into {Table} (link, seq_id, event_id, sealed_hash, row_hash, chain_hash)
            values (previous_link, noted.seq_id, noted.id, noted.sealed, noted.sealed, previous_hash);
          end loop;
          if cardinality(taken) > 0 then
            delete from {PendingTable} where seq_id = any(taken);
            perform pg_notify('{Marten.Events.Daemon.HighWater.PostgresqlListenWakeup.DefaultChannel}', '');
          end if;
          return cardinality(taken);
        end
        $function$;
        """;

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
            var pending = new Table(PendingTable);
            pending.AddColumn<long>("seq_id").AsPrimaryKey();
            yield return pending;
            // What chained each append inside its own transaction until the sealer took over.
            yield return new Retired(
                ("trigger", "chain_event_on_commit"), ("trigger", "chain_event_on_append"),
                ("function", "chain_event"), ("function", "share_append_lock"));
            yield return Function.ForSql(RowHashSql);
            yield return Function.ForSql(NoteFunctionSql);
            yield return Function.ForSql(SealFunctionSql);
            yield return new SqlTrigger("note_appended_events", "mt_events",
                $"CREATE TRIGGER note_appended_events AFTER INSERT ON {LedgerSchema.Name}.mt_events REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION {NoteFunction}()");
        }
    }

    /// <summary>
    /// A trigger over a statement's transition table, which Weasel's <see cref="Trigger"/> does not write. Compared with the
    /// database by <c>pg_get_triggerdef</c>, as Weasel compares its own triggers.
    /// </summary>
    private sealed class SqlTrigger(string name, string table, string create) : ISchemaObject
    {
        public DbObjectName Identifier => new PostgresqlObjectName(LedgerSchema.Name, name, SchemaUtils.IdentifierUsage.General);

        public void WriteCreateStatement(Migrator migrator, TextWriter writer) => writer.WriteLine(create + ";");

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
                : Unqualified(reader.GetString(0)) == Unqualified(create) ? SchemaPatchDifference.None : SchemaPatchDifference.Update);

        // pg_get_triggerdef leaves out the schema of whatever is on the search path.
        private static string Unqualified(string definition) => definition.Replace(LedgerSchema.Name + ".", "").Replace("\"", "");

        public IEnumerable<DbObjectName> AllNames() => [Identifier];
    }

    /// <summary>
    /// Triggers and functions an earlier version created and this one no longer has: dropped when a start finds them
    /// (Weasel drops nothing it is no longer told about), nothing otherwise.
    /// </summary>
    private sealed class Retired(params (string Kind, string Name)[] objects) : ISchemaObject
    {
        public DbObjectName Identifier => new PostgresqlObjectName(LedgerSchema.Name, "retired_chain_objects", SchemaUtils.IdentifierUsage.General);

        public void WriteCreateStatement(Migrator migrator, TextWriter writer) { }

        public void WriteDropStatement(Migrator migrator, TextWriter writer)
        {
            // Triggers first: each names the function after it.
            foreach (var (kind, name) in objects.OrderBy(o => o.Kind == "trigger" ? 0 : 1))
                writer.WriteLine(kind == "trigger"
                    ? $"DROP TRIGGER IF EXISTS {name} ON {LedgerSchema.Name}.mt_events;"
                    : $"DROP FUNCTION IF EXISTS {LedgerSchema.Name}.{name}() CASCADE;");
        }

        public void ConfigureQueryCommand(DbCommandBuilder builder) => builder.Append(
            $"""
             select (select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = '{LedgerSchema.Name}' and t.tgname = any(array['{string.Join("','", objects.Where(o => o.Kind == "trigger").Select(o => o.Name))}']))
                  + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                     where n.nspname = '{LedgerSchema.Name}' and p.proname = any(array['{string.Join("','", objects.Where(o => o.Kind == "function").Select(o => o.Name))}']));
             """);

        public async Task<ISchemaObjectDelta> CreateDeltaAsync(System.Data.Common.DbDataReader reader, CancellationToken ct) =>
            new SchemaObjectDelta(this, await reader.ReadAsync(ct) && reader.GetInt64(0) > 0 ? SchemaPatchDifference.Update : SchemaPatchDifference.None);

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
    /// Seals every event committed so far, pass after pass of <see cref="SealBatch"/>: the sealer's work. With
    /// <paramref name="wait"/> false it returns -1 at once when another transaction is sealing (another node's sealer,
    /// an import); otherwise it waits for it. Synchronous: the sealer runs on a thread of its own (<see cref="ChainSealer"/>).
    /// </summary>
    /// <returns>How many events it sealed, or -1.</returns>
    public static long Seal(NpgsqlConnection connection, bool wait, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var seal = new NpgsqlCommand($"select {SealFunction}($1, $2)", connection)
            {
                Parameters = { new() { Value = wait }, new() { Value = SealBatch } },
            };
            // A wait for another sealer ends with the host.
            using var cancel = ct.Register(seal.Cancel);
            var sealedNow = (int)seal.ExecuteScalar()!;
            if (sealedNow < 0) return total == 0 ? -1 : total;
            total += sealedNow;
            if (sealedNow < SealBatch) return total;
        }
    }

    /// <summary>Seals every event committed so far, waiting for a sealer at work: what a verify and a benchmark's loaded ledger do first.</summary>
    public static async Task<long> SealAsync(IDocumentStore store, CancellationToken ct = default)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        return await SealWithinAsync(connection, null, ct);
    }

    /// <summary>
    /// Seals, in <paramref name="tx"/>, every event noted so far, its own included: an import or an erasure answers with
    /// what it wrote sealed. The chain's head stays locked until <paramref name="tx"/> ends; sealers wait meanwhile.
    /// </summary>
    public static async Task<long> SealWithinAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var seal = new NpgsqlCommand($"select {SealFunction}(true, 2147483647)", connection, tx);
        return (int)(await seal.ExecuteScalarAsync(ct))!;
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
    /// <param name="Unsealed">Events committed but not yet sealed when the check began (appended while it ran): proved from their sealing on.</param>
    public sealed record Verification(bool Intact, long Events, long Amended, BrokenLink? FirstBroken, string? Head, long Unsealed);

    /// <param name="Problem"><c>altered</c>, <c>missing</c> (a chained event's row is gone), <c>unchained</c>
    /// (a row neither chained nor noted for sealing: written with the ledger's trigger switched off), <c>chain</c> (the chain's own hashes were edited) or <c>unexplained-amendment</c>.</param>
    public sealed record BrokenLink(long Sequence, Guid? EventId, string? StreamKey, long? Version, string Problem, string Detail);

    /// <summary>
    /// Walks the chain from its first link, recomputing every row's hash and every link. It first seals what was
    /// committed before it began (<paramref name="sealFirst"/>), so the answer covers every event but those appended while it runs.
    /// </summary>
    public static async Task<Verification> VerifyAsync(IDocumentStore store, CancellationToken ct = default, bool sealFirst = true)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        if (sealFirst) await SealWithinAsync(connection, null, ct);
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
                          where not exists (select 1 from {Table} c where c.seq_id = e.seq_id)
                            and not exists (select 1 from {PendingTable} p where p.seq_id = e.seq_id)
                          order by e.seq_id limit 1
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

        await using var unsealed = new NpgsqlCommand($"select count(*) from {PendingTable}", connection, tx);
        return new Verification(broken is null, count, amended, broken, count == 0 ? null : Convert.ToHexStringLower(previous),
            (long)(await unsealed.ExecuteScalarAsync(ct))!);
    }
}
