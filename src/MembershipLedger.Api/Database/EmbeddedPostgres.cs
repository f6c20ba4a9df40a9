using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MembershipLedger.Api.Database;

/// <summary>Raised when no PostgreSQL server binaries exist to run an embedded cluster.</summary>
public sealed class PostgresBinariesNotFoundException(string message) : Exception(message);

/// <summary>
/// A PostgreSQL cluster run from the machine's installed server binaries: created in a data folder on first
/// use, started on a free loopback port, stopped when disposed. It serves the ledger when no connection string
/// is configured, and gives tests a throwaway database. PostgreSQL refuses to run as root, so as root the
/// cluster belongs to, and runs as, the <c>postgres</c> system user (through <c>runuser</c>).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string DatabaseName = "ledger";
    private const string SuperUser = "ledger";

    /// <summary>Names the process that started the running server, so another process can tell a live owner from a dead one.</summary>
    private const string OwnerFile = "ledger-owner.pid";

    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly bool _owned;
    private readonly bool _durable;

    private EmbeddedPostgres(string binDirectory, string dataDirectory, int port, bool owned, bool durable, bool socket)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _owned = owned;
        _durable = durable;
        _socket = socket;
        Port = port;
        // The host reaches its own cluster through a Unix socket in the data folder when it can: each round trip over
        // loopback TCP costs the kernel's TCP stack on both sides, and on the 2-core benchmark machine the socket
        // calls were the host's largest cost (docs/benchmarks.md, "Concurrent sign-ups"). Other programs (psql, a
        // replica's pg_basebackup) still have the loopback port.
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = socket ? dataDirectory : "127.0.0.1", Port = port, Username = SuperUser, Database = DatabaseName, Pooling = true,
        }.ConnectionString;
    }

    private readonly bool _socket;

    private static string SocketPath(string dataDirectory, int port) => Path.Combine(dataDirectory, $".s.PGSQL.{port}");

    // A socket's path must fit in sun_path (107 bytes), and the folder is passed to the server through pg_ctl's shell.
    private static bool SocketFits(string dataDirectory, int port) =>
        !OperatingSystem.IsWindows() && System.Text.Encoding.UTF8.GetByteCount(SocketPath(dataDirectory, port)) < 100
        && dataDirectory.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_');

    public int Port { get; }
    public string ConnectionString { get; }

    /// <summary>False when this process uses a server another live process started (it leaves it running on exit).</summary>
    public bool Owned => _owned;

    /// <summary>Starts (creating it first if need be) the cluster in <paramref name="dataDirectory"/>.</summary>
    /// <param name="durable">
    /// True for a ledger's data: PostgreSQL flushes every commit to disk (<c>fsync</c>, <c>synchronous_commit</c>), so a
    /// power cut loses no acknowledged write and cannot corrupt the cluster. Only throwaway test clusters pass false.
    /// </param>
    /// <exception cref="PostgresBinariesNotFoundException">No initdb/pg_ctl were found on this machine.</exception>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, CancellationToken ct = default, bool durable = true)
    {
        var bin = FindBinaries() ?? throw new PostgresBinariesNotFoundException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found, so the ledger cannot run its embedded database. " +
            "Install them (Debian/Ubuntu: `apt-get install postgresql`), set LEDGER_PG_BINDIR to their folder, " +
            "or point ConnectionStrings__Ledger at a PostgreSQL server.");
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        if (RunsAsRoot) await RunAsync("chown", ["-R", "postgres:postgres", dataDirectory], ct);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--no-locale", .. (durable ? Array.Empty<string>() : ["--no-sync"])],
                ct, asPostgres: true);

        // A server running on this folder: another live process's (a second host, a command-line import while the host
        // serves) is used as it is and left running; one whose starter is gone (a host killed with kill -9) is adopted,
        // and this process stops it on exit, as if it had started it.
        if (await TryReadRunningPortAsync(bin, dataDirectory, ct) is { } runningPort)
        {
            var ownerAlive = OwnerAlive(dataDirectory);
            if (!ownerAlive) await File.WriteAllTextAsync(Path.Combine(dataDirectory, OwnerFile), Environment.ProcessId.ToString(), ct);
            // A server an earlier version started listens on the loopback port only.
            var adopted = new EmbeddedPostgres(bin, dataDirectory, runningPort, owned: !ownerAlive, durable,
                socket: SocketFits(dataDirectory, runningPort) && File.Exists(SocketPath(dataDirectory, runningPort)));
            await adopted.EnsureDatabaseAsync(ct);
            return adopted;
        }

        var port = FreeLoopbackPort();
        var server = new EmbeddedPostgres(bin, dataDirectory, port, owned: true, durable, socket: SocketFits(dataDirectory, port));
        await server.StartServerAsync(ct);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, OwnerFile), Environment.ProcessId.ToString(), ct);
        await server.EnsureDatabaseAsync(ct);
        return server;
    }

    private Task StartServerAsync(CancellationToken ct) =>
        RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
        [
            "start", "-D", _dataDirectory, "-w", "-t", "60", "-l", Path.Combine(_dataDirectory, "server.log"),
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{(_socket ? _dataDirectory : "")}' -c max_connections=200 " +
                  (_durable ? "-c fsync=on -c synchronous_commit=on -c full_page_writes=on" : "-c fsync=off -c synchronous_commit=off"),
        ], ct, asPostgres: true);

    /// <summary>True while the server answers <c>pg_ctl status</c>.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken ct = default) =>
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["status", "-D", _dataDirectory], ct, asPostgres: true, allowFailure: true) == 0;

    /// <summary>
    /// Starts the server again on its port after it died (killed, crashed, stopped by hand); PostgreSQL recovers from its
    /// write-ahead log, so every committed write is there. Only for a server this process owns.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        if (!_owned) return;
        // A server killed with SIGKILL leaves its pid file; pg_ctl start sees the process is gone and starts anyway.
        await StartServerAsync(ct);
    }

    private static bool OwnerAlive(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, OwnerFile);
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file).Trim(), out var pid) || pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_owned) return;
        await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["stop", "-D", _dataDirectory, "-m", "fast", "-w"], CancellationToken.None,
            asPostgres: true, allowFailure: true);
        File.Delete(Path.Combine(_dataDirectory, OwnerFile));
    }

    /// <summary>
    /// A hot standby of this cluster in <paramref name="directory"/>: a base backup streamed by <c>pg_basebackup</c> with a
    /// standby signal and this cluster as its primary, started on its own free port. It replays every commit the primary
    /// makes and answers read-only queries (a read replica, <c>ConnectionStrings:LedgerReadOnly</c>).
    /// </summary>
    public async Task<EmbeddedPostgres> StartStandbyAsync(string directory, CancellationToken ct = default)
    {
        directory = Path.GetFullPath(directory);
        // PostgreSQL starts only on a folder its owner alone may enter.
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (RunsAsRoot) await RunAsync("chown", ["-R", "postgres:postgres", directory], ct);
        await RunAsync(Path.Combine(_binDirectory, "pg_basebackup"),
            ["-D", directory, "-R", "-X", "stream", "-c", "fast", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser],
            ct, asPostgres: true);
        // The copy names this process as the owner of the primary's folder; the standby's owner is whoever starts it.
        File.Delete(Path.Combine(directory, OwnerFile));
        return await StartAsync(directory, ct, _durable);
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection) { Parameters = { new() { Value = DatabaseName } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private static bool RunsAsRoot => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

    /// <summary>LEDGER_PG_BINDIR, else what <c>pg_config --bindir</c> names, else the newest Debian-style install.</summary>
    private static string? FindBinaries()
    {
        static bool HasServer(string? dir) => dir is not null && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        var configured = Environment.GetEnvironmentVariable("LEDGER_PG_BINDIR");
        if (HasServer(configured)) return configured;
        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true });
            var dir = pgConfig?.StandardOutput.ReadToEnd().Trim();
            pgConfig?.WaitForExit();
            if (HasServer(dir)) return dir;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed; fall through to the well-known folders.
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot)) return null;
        return Directory.GetDirectories(debianRoot)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault(HasServer);
    }

    private static async Task<int?> TryReadRunningPortAsync(string bin, string dataDirectory, CancellationToken ct)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        var status = await RunAsync(Path.Combine(bin, "pg_ctl"), ["status", "-D", dataDirectory], ct, asPostgres: true, allowFailure: true);
        if (status != 0) return null;
        // postmaster.pid: line 4 holds the port the running server listens on.
        var lines = await File.ReadAllLinesAsync(pidFile, ct);
        return lines.Length > 3 && int.TryParse(lines[3].Trim(), out var port) ? port : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct, bool asPostgres = false, bool allowFailure = false)
    {
        var info = asPostgres && RunsAsRoot
            ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", file } }
            : new ProcessStartInfo(file);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        // The server inherits these pipes; pg_ctl -l sends its output to the log, so reading to the end terminates.
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException(
                $"`{Path.GetFileName(file)} {string.Join(' ', args)}` failed with exit code {process.ExitCode}: {await stderr}{await stdout}");
        return process.ExitCode;
    }
}
