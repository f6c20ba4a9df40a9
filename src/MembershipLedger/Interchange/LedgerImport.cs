using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Services;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Interchange;

/// <summary>How an import went: how many lines were read, appended and skipped, and what could not be understood.</summary>
/// <param name="AlreadyPresent">Events whose id the ledger already holds: a second import of a file appends nothing.</param>
/// <param name="Bulk">Appended to streams new to the ledger.</param>
/// <param name="Appended">Appended to streams the ledger already had, at their expected versions.</param>
/// <param name="Projected">The projections took the appended events in the import's own transaction: no rebuild follows.</param>
public sealed record ImportReport(
    int Lines, int Events, int AlreadyPresent, int Bulk, int Appended, int NewStreams, bool Projected, bool DryRun, IReadOnlyList<LineProblem> Problems)
{
    public bool Refused => Problems.Count > 0;
}

/// <summary>Progress of a long import, for a command line to print.</summary>
public sealed record ImportProgress(string Phase, long Done, long Of);

/// <summary>Who performs an import and through what; stamped on lines whose metadata leaves it out.</summary>
/// <param name="RecordedBy">Who runs the import: the recorder of lines that name none, and the <c>imported-by</c> of every event.</param>
/// <param name="CorrelationId">Ties together the events of one import run, for lines that carry no correlation id of their own.</param>
public sealed record ImportContext(string RecordedBy, string Source, Instant Now, bool DryRun = false, string? CorrelationId = null);

/// <summary>
/// Imports NDJSON ledger lines. The whole file is read and checked first, by the rules every door applies
/// (<see cref="EventRules"/>: instants, dates, amounts, account names, text) and by the shape of the ledger (each event
/// on the stream it belongs to, every group it names registered, versions and recording times in order): one line that
/// fails refuses the import and nothing is appended. Events already present (by id) are skipped.
/// <para>
/// The rest is appended in one transaction, in file order, through ordinary sessions, so the inline projections take
/// each event as it lands: the import commits with its projections or not at all. A crash leaves the ledger as it was
/// (importing the file again does it all), readers never see a half-imported ledger, and writes that arrive meanwhile
/// wait on the event chain's lock and are then projected once, on top of the import.
/// </para>
/// </summary>
public static class LedgerImport
{
    public const int BatchSize = 2_000;

    public static async Task<ImportReport> ImportAsync(
        IDocumentStore store, TextReader reader, ImportContext context, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var parser = new LedgerLines(LedgerStore.EventTypes(store.Options.Events));
        var lines = new List<LedgerLine>();
        var problems = new List<LineProblem>();
        var seenIds = new HashSet<Guid>();
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var (line, problem) = parser.Parse(number, text);
            problem ??= line is null ? null : LedgerShape.Check(line, context.Now);
            if (problem is not null) problems.Add(problem);
            else if (!seenIds.Add(line!.Id)) problems.Add(new LineProblem(number, "id", $"{line.Id} is used by an earlier line of the file."));
            else lines.Add(line);
            if (number % 50_000 == 0) progress?.Report(new ImportProgress("read", number, 0));
        }
        if (lines.Count == 0 && problems.Count == 0) problems.Add(new LineProblem(number, "body", "The file holds no event: NDJSON, one event a line."));
        if (problems.Count > 0) return new ImportReport(number, lines.Count, 0, 0, 0, 0, false, context.DryRun, problems);

        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // From here on appends wait: what is present, and each stream's version, cannot change under the import.
        if (!context.DryRun) await EventChain.LockAppendsAsync(connection, tx, ct);
        var present = await ExistingIdsAsync(tx, lines.Select(l => l.Id).ToArray(), ct);
        var fresh = lines.Where(l => !present.Contains(l.Id)).ToList();
        var byStream = fresh.GroupBy(l => l.Stream, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var (versions, lastRecorded) = await StreamStatesAsync(tx, byStream.Keys.ToArray(), ct);
        var groups = await RegisteredGroupsAsync(tx, fresh.SelectMany(l => LedgerShape.GroupsNamed(l.Data)).Distinct().ToArray(), ct);

        // Versions, when the lines give them, must continue each stream without a gap; and a stream's events are
        // recorded in order, none in the future: the bitemporal projections read "known at" from these times.
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        var previous = new Dictionary<string, Instant>(lastRecorded, StringComparer.Ordinal);
        foreach (var line in fresh)
        {
            var stream = line.Stream;
            var expected = next[stream] = next.GetValueOrDefault(stream, versions.GetValueOrDefault(stream)) + 1;
            if (line.Version is { } given && given != expected)
                problems.Add(new LineProblem(line.LineNumber, "version",
                    $"{given}, but the stream '{stream}' would be at {expected} (it holds {versions.GetValueOrDefault(stream)} events and the file adds these in order)."));
            var recordedAt = line.RecordedAt ?? context.Now;
            if (recordedAt > context.Now + Ledger.Plausibility.Skew)
                problems.Add(new LineProblem(line.LineNumber, "metadata.recordedAt", $"{recordedAt} is in the future."));
            else if (previous.TryGetValue(stream, out var before) && recordedAt < before)
                problems.Add(new LineProblem(line.LineNumber, "metadata.recordedAt",
                    $"{recordedAt} is before the stream's previous event was recorded ({before}); a stream is recorded in order."));
            previous[stream] = recordedAt;

            if (line.Data is Groups.GroupRegistered registered)
            {
                if (!groups.Add(registered.GroupId))
                    problems.Add(new LineProblem(line.LineNumber, "data.groupId", $"'{registered.GroupId}' is registered already."));
            }
            else
            {
                foreach (var named in LedgerShape.GroupsNamed(line.Data))
                    if (!groups.Contains(named))
                        problems.Add(new LineProblem(line.LineNumber, "data.groupId",
                            $"names the group '{named}', which is neither registered in the ledger nor by an earlier line of the file."));
            }
        }
        if (problems.Count > 0) return new ImportReport(number, lines.Count, lines.Count - fresh.Count, 0, 0, 0, false, context.DryRun, problems);

        var newStreams = byStream.Keys.Where(k => !versions.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
        var toNew = fresh.Count(l => newStreams.Contains(l.Stream));
        var toExisting = fresh.Count - toNew;
        if (context.DryRun || fresh.Count == 0)
            return new ImportReport(number, lines.Count, lines.Count - fresh.Count, toNew, toExisting, newStreams.Count, false, context.DryRun, []);

        var events = (IEventRegistry)((DocumentStore)store).Options.Events;
        var started = new HashSet<string>(StringComparer.Ordinal);
        var done = 0;
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(tx)))
        {
            foreach (var segment in Segments(fresh))
            {
                foreach (var run in segment)
                {
                    var appended = run.Select(l => (object)ToEvent(events, l, context)).ToArray();
                    if (newStreams.Contains(run[0].Stream) && started.Add(run[0].Stream)) session.Events.StartStream(run[0].Stream, appended);
                    else session.Events.Append(run[0].Stream, appended);
                }
                await session.SaveChangesAsync(ct);
                done += segment.Sum(r => r.Count);
                progress?.Report(new ImportProgress("append", done, fresh.Count));
            }
        }
        // What the import wrote is sealed before it answers, in its own transaction (no append is waiting to be sealed meanwhile: they wait on the import).
        await EventChain.SealWithinAsync(connection, tx, ct);
        await using (var head = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {LedgerSchema.Name}.mt_events", connection, tx))
            await LedgerProjections.StampAsync(connection, tx, (long)(await head.ExecuteScalarAsync(ct))!, rebuilt: false, ct);
        await tx.CommitAsync(ct);
        return new ImportReport(number, lines.Count, lines.Count - fresh.Count, toNew, toExisting, newStreams.Count, true, false, []);
    }

    /// <summary>
    /// File order, cut into units of work: within one each stream's lines are contiguous (one append per stream, as a
    /// session takes them), and a stream that comes back after others starts the next, so events land in file order.
    /// </summary>
    private static IEnumerable<List<List<LedgerLine>>> Segments(IReadOnlyList<LedgerLine> lines)
    {
        var segment = new List<List<LedgerLine>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var size = 0;
        foreach (var line in lines)
        {
            if (segment.Count > 0 && segment[^1][0].Stream == line.Stream) { segment[^1].Add(line); size++; continue; }
            if (seen.Contains(line.Stream) || size >= BatchSize)
            {
                yield return segment;
                segment = [];
                seen.Clear();
                size = 0;
            }
            seen.Add(line.Stream);
            segment.Add([line]);
            size++;
        }
        if (segment.Count > 0) yield return segment;
    }

    private static IEvent ToEvent(IEventRegistry registry, LedgerLine line, ImportContext context)
    {
        var e = registry.BuildEvent(line.Data);
        e.Id = line.Id;
        e.StreamKey = line.Stream;
        e.Timestamp = (line.RecordedAt ?? context.Now).ToDateTimeOffset();
        e.UserName = line.RecordedBy ?? context.RecordedBy;
        e.CorrelationId = line.CorrelationId ?? context.CorrelationId;
        e.SetHeader(EventMetadata.Source, line.Source ?? context.Source);
        e.SetHeader(EventMetadata.ImportedBy, context.RecordedBy);
        if (line.Reason is not null) e.SetHeader(EventMetadata.Reason, line.Reason);
        return e;
    }

    private static async Task<HashSet<Guid>> ExistingIdsAsync(NpgsqlTransaction tx, Guid[] ids, CancellationToken ct)
    {
        var present = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(10_000))
        {
            await using var command = new NpgsqlCommand($"select id from {LedgerSchema.Name}.mt_events where id = any($1)", tx.Connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = chunk });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) present.Add(reader.GetGuid(0));
        }
        return present;
    }

    private static async Task<(Dictionary<string, long> Versions, Dictionary<string, Instant> LastRecorded)> StreamStatesAsync(
        NpgsqlTransaction tx, string[] keys, CancellationToken ct)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastRecorded = new Dictionary<string, Instant>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(10_000))
        {
            await using var command = new NpgsqlCommand(
                $"select s.id, s.version, (select max(e.timestamp) from {LedgerSchema.Name}.mt_events e where e.stream_id = s.id) " +
                $"from {LedgerSchema.Name}.mt_streams s where s.id = any($1)", tx.Connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = chunk });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
                if (!reader.IsDBNull(2)) lastRecorded[reader.GetString(0)] = Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(2));
            }
        }
        return (versions, lastRecorded);
    }

    /// <summary>Which of <paramref name="ids"/> are registered groups (a group's stream holds its registration).</summary>
    private static async Task<HashSet<string>> RegisteredGroupsAsync(NpgsqlTransaction tx, string[] ids, CancellationToken ct)
    {
        var registered = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            $"select stream_id from {LedgerSchema.Name}.mt_events where stream_id = any($1) and type = 'group-registered'", tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) registered.Add(reader.GetString(0));
        return registered;
    }
}
