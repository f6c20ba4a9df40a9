using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Faults;

/// <summary>
/// The ledger's own program (the host or one of its commands) run as a separate process, as an operator runs it, so a
/// test can kill it with SIGKILL mid-way: no <c>finally</c>, no disposal, no flush runs in the killed process.
/// </summary>
public sealed class LedgerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LedgerProcess(Process process) => _process = process;

    /// <summary>The built host next to the test's own build (same configuration), which the test project references.</summary>
    private static string HostAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
            var path = Repository.Path("src", "MembershipLedger.Api", "bin", configuration, "net10.0", "MembershipLedger.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The host is not built.", path);
        }
    }

    public int Id => _process.Id;
    /// <summary>The process ended, or was disposed (after which Process knows nothing of it).</summary>
    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The local admin's key, which the first start on a ledger without keys prints, once.</summary>
    public string AdminKey => Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("export KEY=")).Split('=', 2)[1];

    /// <summary>Starts the program with <paramref name="args"/> on the database <paramref name="connectionString"/>.</summary>
    public static LedgerProcess Start(string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(HostAssembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Ledger"] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // A claim left by a killed host is abandoned: with no timeout (not two minutes) the test retries it at once.
        start.Environment["Ledger__IdempotencyClaimTimeout"] = "00:00:00";
        var ledger = new LedgerProcess(new Process { StartInfo = start });
        ledger._process.OutputDataReceived += (_, e) => ledger.Append(e.Data);
        ledger._process.ErrorDataReceived += (_, e) => ledger.Append(e.Data);
        ledger._process.Start();
        ledger._process.BeginOutputReadLine();
        ledger._process.BeginErrorReadLine();
        return ledger;
    }

    /// <summary>Starts the web host on a free loopback port.</summary>
    public static (LedgerProcess Host, Uri Address) StartHost(string connectionString, params string[] settings)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var address = new Uri($"http://127.0.0.1:{port}");
        return (Start(connectionString, ["--urls", address.ToString(), .. settings]), address);
    }

    private readonly List<(string Text, TaskCompletionSource Seen)> _waiting = [];

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiting.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiting.Remove(waiter);
            }
        }
    }

    /// <summary>
    /// Completes when the process prints a line containing <paramref name="text"/> (at once if it already has); fails
    /// with everything it printed if it ends first or <paramref name="bound"/> passes.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan bound)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal)) return;
            _waiting.Add((text, seen));
        }
        var ended = _process.WaitForExitAsync();
        try
        {
            if (await Task.WhenAny(seen.Task, ended).WaitAsync(bound) == ended && !seen.Task.IsCompleted)
                throw new InvalidOperationException($"The process ended before printing '{text}':\n{Output}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process did not print '{text}' within {bound}:\n{Output}");
        }
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task<int> ExitCodeAsync(TimeSpan bound)
    {
        await _process.WaitForExitAsync().WaitAsync(bound);
        return _process.ExitCode;
    }

    /// <summary>Runs a command to its end and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string connectionString, params string[] args)
    {
        await using var command = Start(connectionString, args);
        var code = await command.ExitCodeAsync(TimeSpan.FromMinutes(3));
        return (code, command.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }

    private bool _disposed;
}
