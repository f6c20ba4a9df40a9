namespace MembershipLedger.Api.Database;

/// <summary>
/// Where the ledger's data lives: the configured <c>ConnectionStrings:Ledger</c> when there is one, otherwise an
/// embedded cluster in <c>LEDGER_DATA_DIR</c> (default <c>.ledger-data/</c> under the working directory).
/// </summary>
public sealed class LedgerDatabase : IAsyncDisposable
{
    private readonly EmbeddedPostgres? _embedded;

    private LedgerDatabase(string connectionString, EmbeddedPostgres? embedded, string description) =>
        (ConnectionString, _embedded, Description) = (connectionString, embedded, description);

    public string ConnectionString { get; }

    /// <summary>The embedded server, when the ledger runs on one: the host watches it.</summary>
    public EmbeddedPostgres? Embedded => _embedded;

    /// <summary>Says which database is in use, for the start-up banner.</summary>
    public string Description { get; }

    public static async Task<LedgerDatabase> ResolveAsync(IConfiguration configuration, CancellationToken ct = default)
    {
        var configured = configuration.GetConnectionString("Ledger");
        if (!string.IsNullOrWhiteSpace(configured))
            return new LedgerDatabase(configured, null, "the configured ConnectionStrings:Ledger");

        var dataDirectory = configuration["LEDGER_DATA_DIR"] is { Length: > 0 } dir ? dir : Path.Combine(Directory.GetCurrentDirectory(), ".ledger-data");
        var embedded = await EmbeddedPostgres.StartAsync(dataDirectory, ct);
        return new LedgerDatabase(embedded.ConnectionString, embedded,
            $"the embedded PostgreSQL in {Path.GetFullPath(dataDirectory)} on 127.0.0.1:{embedded.Port}");
    }

    public ValueTask DisposeAsync() => _embedded?.DisposeAsync() ?? ValueTask.CompletedTask;
}
