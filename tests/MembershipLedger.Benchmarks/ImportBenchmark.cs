using System.Diagnostics;
using System.Text;
using Marten;
using MembershipLedger.Api.Database;
using MembershipLedger.Interchange;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// NDJSON import (one transaction, appended through sessions with the inline projections) against a raw binary COPY of the same rows into a copy of the
/// events table, in one run on one fresh cluster. The file: 100 groups, then sign-ups spread across them.
/// </summary>
public static class ImportBenchmark
{
    public static async Task RunAsync(int events)
    {
        await BenchLedger.InClusterAsync(async (cluster, directory) =>
        {
            await using var db = LedgerStore.CreateDataSource(cluster.ConnectionString);
            var now = Instant.FromUtc(2024, 6, 1, 0, 0);
            await using var store = await LedgerStore.OpenAsync(db, NodaTime.Testing.FakeClock.FromUtc(2024, 6, 1));

            var file = Generate(events);
            var bytes = Encoding.UTF8.GetByteCount(file);

            // Raw COPY first, of the very rows the import will write, into an identical table.
            var lines = new LedgerLines(LedgerStore.EventTypes(store.Options.Events));
            var parsed = file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((l, i) => lines.Parse(i + 1, l).Line!).ToList();
            await using (var create = db.CreateCommand($"create table {LedgerSchema.Name}.copy_bench (like {LedgerSchema.Name}.mt_events including defaults)"))
                await create.ExecuteNonQueryAsync();
            var copy = Stopwatch.StartNew();
            await using (var connection = await db.OpenConnectionAsync())
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"copy {LedgerSchema.Name}.copy_bench (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, user_name) from stdin binary"))
            {
                var seq = 0L;
                var versions = new Dictionary<string, long>();
                foreach (var line in parsed)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(++seq, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(line.Id, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(line.Stream, NpgsqlDbType.Varchar);
                    await importer.WriteAsync(versions[line.Stream] = versions.GetValueOrDefault(line.Stream) + 1, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(line.Data, line.Data.GetType(), Json.Options), NpgsqlDbType.Jsonb);
                    await importer.WriteAsync(line.Type, NpgsqlDbType.Varchar);
                    await importer.WriteAsync(now.ToDateTimeOffset(), NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                    await importer.WriteAsync(line.Data.GetType().FullName!, NpgsqlDbType.Varchar);
                    await importer.WriteAsync("{\"source\":\"bench\"}"u8.ToArray(), NpgsqlDbType.Jsonb);
                    await importer.WriteAsync("bench", NpgsqlDbType.Varchar);
                }
                await importer.CompleteAsync();
            }
            copy.Stop();

            var import = Stopwatch.StartNew();
            var report = await LedgerImport.ImportAsync(store, new StringReader(file), new ImportContext("bench", "bench", now));
            import.Stop();
            var rebuild = Stopwatch.StartNew();
            await LedgerProjections.RebuildAsync(store);
            rebuild.Stop();
            if (report.Bulk != events) throw new InvalidOperationException($"Imported {report.Bulk} of {events}.");

            Console.WriteLine($"| {events:N0} | {bytes / 1024.0 / 1024.0:N1} | {copy.Elapsed.TotalSeconds:N2} ({events / copy.Elapsed.TotalSeconds:N0}/s) | " +
                $"{import.Elapsed.TotalSeconds:N2} ({events / import.Elapsed.TotalSeconds:N0}/s) | {rebuild.Elapsed.TotalSeconds:N2} |");
            var ratio = copy.Elapsed.TotalSeconds / import.Elapsed.TotalSeconds;
            Summary.Add($"NDJSON import of {events:N0} events, chained and projected", $"{events / import.Elapsed.TotalSeconds:N0} events/s ({ratio:N2}× COPY)",
                $"raw COPY of the same rows: {events / copy.Elapsed.TotalSeconds:N0}/s", "≥ 0.6× COPY", ratio >= 0.6);
            Summary.Add($"Rebuild of every projection from {events:N0} events", $"{events / rebuild.Elapsed.TotalSeconds:N0} events/s",
                $"raw COPY of the events: {events / copy.Elapsed.TotalSeconds:N0}/s", "≥ 50,000 events/s", events / rebuild.Elapsed.TotalSeconds >= 50_000);
        });
    }

    private static string Generate(int events)
    {
        const int groups = 100;
        var text = new StringBuilder();
        for (var g = 0; g < groups; g++)
            text.Append($$$"""{"id":"{{{Guid.NewGuid()}}}","stream":"group-{{{g}}}","type":"group-registered","data":{"groupId":"group-{{{g}}}","profile":{"name":"Group {{{g}}}","kind":"user-group","countryCode":"TJ","languages":["tg"],"timeZone":"Asia/Dushanbe","foundedOn":null,"contactChannels":[]}}""" + "}").Append('\n');
        var start = Instant.FromUtc(2016, 1, 1, 0, 0);
        for (var i = groups; i < events; i++)
        {
            var signedAt = start.Plus(Duration.FromMinutes(i)).ToString();
            text.Append($$$"""{"id":"{{{Guid.NewGuid()}}}","stream":"group-{{{i % groups}}}:Member {{{i}}}","type":"member-signed-up","data":{"groupId":"group-{{{i % groups}}}","username":"Member {{{i}}}","kind":"individual","signUpId":"{{{Guid.NewGuid()}}}","signedAt":"{{{signedAt}}}"}}""").Append('\n');
        }
        return text.ToString();
    }
}
