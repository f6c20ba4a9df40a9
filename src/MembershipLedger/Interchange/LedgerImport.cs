using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Events;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Interchange;

/// <summary>How an import went: how many lines were read, appended and skipped, and what could not be understood.</summary>
/// <param name="AlreadyPresent">Events whose id the ledger already holds: a second import of a file appends nothing.</param>
/// <param name="Bulk">Appended through Marten's bulk COPY path (streams new to the ledger).</param>
/// <param name="Appended">Appended to streams the ledger already had, through ordinary sessions.</param>
public sealed record ImportReport(
    int Lines, int Events, int AlreadyPresent, int Bulk, int Appended, int NewStreams, bool Rebuilt, bool DryRun, IReadOnlyList<LineProblem> Problems)
{
    public bool Refused => Problems.Count > 0;
}

/// <summary>Progress of a long import, for a command line to print.</summary>
public sealed record ImportProgress(string Phase, long Done, long Of);

/// <summary>Who performs an import and through what; stamped on lines whose metadata leaves it out.</summary>
/// <param name="Rebuild">Rebuild the projections after appending; off only for a caller that imports several files and rebuilds once.</param>
/// <param name="RecordedBy">Who runs the import: the recorder of lines that name none, and the <c>imported-by</c> of every event.</param>
/// <param name="CorrelationId">Ties together the events of one import run, for lines that carry no correlation id of their own.</param>
public sealed record ImportContext(string RecordedBy, string Source, Instant Now, bool DryRun = false, bool Rebuild = true, string? CorrelationId = null);

/// <summary>
/// Imports NDJSON ledger lines. The whole file is read and checked first: one line that cannot be understood
/// refuses the import and nothing is appended. Events already present (by id) are skipped. Streams new to the
/// ledger go through Marten's bulk COPY path in file order; events for streams that exist are appended through
/// sessions, with their versions checked. The bulk path runs no inline projection, so every projection is then
/// rebuilt by the projection daemon.
/// </summary>
public static class LedgerImport
{
    public const int BatchSize = 5_000;

    public static async Task<ImportReport> ImportAsync(
        IDocumentStore store, TextReader reader, ImportContext context, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var parser = new LedgerLines(store.Options.Events.AllKnownEventTypes());
        var lines = new List<LedgerLine>();
        var problems = new List<LineProblem>();
        var seenIds = new HashSet<Guid>();
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var (line, problem) = parser.Parse(number, text);
            if (problem is not null) problems.Add(problem);
            else if (!seenIds.Add(line!.Id)) problems.Add(new LineProblem(number, "id", $"{line.Id} is used by an earlier line of the file."));
            else lines.Add(line);
            if (number % 50_000 == 0) progress?.Report(new ImportProgress("read", number, 0));
        }
        if (lines.Count == 0 && problems.Count == 0) problems.Add(new LineProblem(number, "body", "The file holds no event: NDJSON, one event a line."));
        if (problems.Count > 0) return new ImportReport(number, lines.Count, 0, 0, 0, 0, false, context.DryRun, problems);

        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        var present = await ExistingIdsAsync(connection, lines.Select(l => l.Id).ToArray(), ct);
        var fresh = lines.Where(l => !present.Contains(l.Id)).ToList();
        var byStream = fresh.GroupBy(l => l.Stream, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var (versions, lastRecorded) = await StreamStatesAsync(connection, byStream.Keys.ToArray(), ct);

        // Versions, when the lines give them, must continue each stream without a gap; and a stream's events are
        // recorded in order, none in the future: the bitemporal projections read "known at" from these times.
        foreach (var (stream, streamLines) in byStream)
        {
            var next = versions.GetValueOrDefault(stream) + 1;
            var previous = lastRecorded.TryGetValue(stream, out var last) ? last : (Instant?)null;
            foreach (var line in streamLines)
            {
                if (line.Version is { } given && given != next)
                    problems.Add(new LineProblem(line.LineNumber, "version",
                        $"{given}, but the stream '{stream}' would be at {next} (it holds {versions.GetValueOrDefault(stream)} events and the file adds these in order)."));
                var recordedAt = line.RecordedAt ?? context.Now;
                if (recordedAt > context.Now + Ledger.Plausibility.Skew)
                    problems.Add(new LineProblem(line.LineNumber, "metadata.recordedAt", $"{recordedAt} is in the future."));
                else if (previous is { } before && recordedAt < before)
                    problems.Add(new LineProblem(line.LineNumber, "metadata.recordedAt",
                        $"{recordedAt} is before the stream's previous event was recorded ({before}); a stream is recorded in order."));
                previous = recordedAt;
                next++;
            }
        }
        if (problems.Count > 0) return new ImportReport(number, lines.Count, lines.Count - fresh.Count, 0, 0, 0, false, context.DryRun, problems);

        var newStreams = byStream.Keys.Where(k => !versions.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
        var bulk = fresh.Where(l => newStreams.Contains(l.Stream)).ToList();
        var appended = fresh.Where(l => !newStreams.Contains(l.Stream)).ToList();
        if (context.DryRun || fresh.Count == 0)
            return new ImportReport(number, lines.Count, lines.Count - fresh.Count, bulk.Count, appended.Count, newStreams.Count, false, context.DryRun, []);

        var events = (IEventRegistry)((DocumentStore)store).Options.Events;
        if (bulk.Count > 0)
        {
            var headers = bulk.GroupBy(l => l.Stream, StringComparer.Ordinal)
                .Select(g => new BulkEventStreamHeader { Key = g.Key, Version = g.Count() }).ToList();
            var streamVersion = new Dictionary<string, long>(StringComparer.Ordinal);
            // Sequence numbers are drawn a batch at a time and the unused rest of the last batch is lost: a batch no
            // larger than the import keeps a small import's sequence without a gap.
            await store.BulkInsertEventStreamAsync(StorageConstants.DefaultTenantId, headers, Numbered(), Math.Min(BatchSize, bulk.Count), ct);

            async IAsyncEnumerable<IEvent> Numbered()
            {
                var done = 0;
                foreach (var line in bulk)
                {
                    var e = ToEvent(events, line, context);
                    e.Version = streamVersion[line.Stream] = streamVersion.GetValueOrDefault(line.Stream) + 1;
                    yield return e;
                    if (++done % BatchSize == 0) progress?.Report(new ImportProgress("bulk", done, bulk.Count));
                }
                await Task.CompletedTask;
            }
            progress?.Report(new ImportProgress("bulk", bulk.Count, bulk.Count));
        }

        // Streams the ledger already has: appended at their expected versions, in batches of whole streams.
        var appendedSoFar = 0;
        foreach (var batch in appended.GroupBy(l => l.Stream, StringComparer.Ordinal).Chunk(500))
        {
            await using var session = store.LightweightSession();
            foreach (var stream in batch)
                session.Events.Append(stream.Key, versions[stream.Key] + stream.Count(), stream.Select(l => (object)ToEvent(events, l, context)).ToArray());
            await session.SaveChangesAsync(ct);
            appendedSoFar += batch.Sum(s => s.Count());
            progress?.Report(new ImportProgress("append", appendedSoFar, appended.Count));
        }
        if (context.Rebuild) await LedgerProjections.RebuildAsync(store, progress, ct);
        return new ImportReport(number, lines.Count, lines.Count - fresh.Count, bulk.Count, appended.Count, newStreams.Count, context.Rebuild, false, []);
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

    private static async Task<HashSet<Guid>> ExistingIdsAsync(NpgsqlConnection connection, Guid[] ids, CancellationToken ct)
    {
        var present = new HashSet<Guid>();
        foreach (var chunk in ids.Chunk(10_000))
        {
            await using var command = new NpgsqlCommand($"select id from {LedgerSchema.Name}.mt_events where id = any($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = chunk });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) present.Add(reader.GetGuid(0));
        }
        return present;
    }

    private static async Task<(Dictionary<string, long> Versions, Dictionary<string, Instant> LastRecorded)> StreamStatesAsync(
        NpgsqlConnection connection, string[] keys, CancellationToken ct)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastRecorded = new Dictionary<string, Instant>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(10_000))
        {
            await using var command = new NpgsqlCommand(
                $"select s.id, s.version, (select max(e.timestamp) from {LedgerSchema.Name}.mt_events e where e.stream_id = s.id) " +
                $"from {LedgerSchema.Name}.mt_streams s where s.id = any($1)", connection);
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
}
