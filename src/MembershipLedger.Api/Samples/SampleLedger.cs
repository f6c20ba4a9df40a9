using MembershipLedger.Groups;
using MembershipLedger.Interchange;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Samples;

/// <summary>
/// The five seed pages told in events (<c>events/samples/*.ndjson</c>, copied beside the binary), imported into a
/// ledger that starts empty, in file order, through the same import as any NDJSON file.
/// </summary>
public static class SampleLedger
{
    public const string RecordedBy = "samples";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static IReadOnlyList<string> Files => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.GetFiles(Directory, "*.ndjson").Order(StringComparer.Ordinal).ToList()
        : [];

    public static async Task<bool> LoadIfEmptyAsync(IDocumentStore store, IClock clock, CancellationToken ct = default)
    {
        await using (var query = store.QuerySession())
            if (await query.Query<GroupProfile>().AnyAsync(ct)) return false;

        // One correlation id for the whole load: every sample event can be traced to it.
        var load = $"samples-{Guid.NewGuid():N}";
        foreach (var file in Files)
        {
            using var reader = new StreamReader(file);
            var report = await LedgerImport.ImportAsync(store, reader,
                new ImportContext(RecordedBy, RecordedBy, clock.GetCurrentInstant(), CorrelationId: load), ct: ct);
            if (report.Refused)
                throw new InvalidOperationException($"The sample {Path.GetFileName(file)} is refused: " +
                    string.Join("; ", report.Problems.Select(p => $"line {p.Line} {p.Field}: {p.Detail}")));
        }
        return true;
    }
}
