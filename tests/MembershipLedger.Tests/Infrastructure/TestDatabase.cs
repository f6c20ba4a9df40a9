using MembershipLedger.Api.Database;
using Testcontainers.PostgreSql;

namespace MembershipLedger.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the whole test run, found the way the brief asks: a configured connection string
/// (<c>LEDGER_TEST_CONNECTION</c> or <c>ConnectionStrings__Ledger</c>), else a Testcontainers container where a
/// Docker engine answers, else a throwaway cluster from the installed server binaries, deleted afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;
    private readonly string? _throwawayDirectory;

    private TestDatabase(string connectionString, string description, IAsyncDisposable? owned, string? throwawayDirectory) =>
        (ConnectionString, Description, _owned, _throwawayDirectory) = (connectionString, description, owned, throwawayDirectory);

    public string ConnectionString { get; }
    public string Description { get; }

    public static async Task<TestDatabase> AcquireAsync()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_TEST_CONNECTION")
                         ?? Environment.GetEnvironmentVariable("ConnectionStrings__Ledger");
        if (!string.IsNullOrWhiteSpace(configured)) return new TestDatabase(configured, "configured connection string", null, null);

        if (DockerMayAnswer())
        {
            try
            {
                var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await container.StartAsync(timeout.Token);
                return new TestDatabase(container.GetConnectionString(), "Testcontainers PostgreSQL", container, null);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Testcontainers could not start PostgreSQL ({e.GetType().Name}: {e.Message}); using a throwaway cluster.");
            }
        }

        var directory = Path.Combine(Path.GetTempPath(), $"ledger-tests-{Guid.NewGuid():N}");
        // Throwaway data: the one place the cluster may skip flushing to disk.
        var cluster = await EmbeddedPostgres.StartAsync(directory, durable: false);
        return new TestDatabase(cluster.ConnectionString, $"throwaway cluster in {directory}", cluster, directory);
    }

    private static bool DockerMayAnswer() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null) await _owned.DisposeAsync();
        if (_throwawayDirectory is not null && Directory.Exists(_throwawayDirectory)) Directory.Delete(_throwawayDirectory, recursive: true);
    }
}
