using System.Text.Json;
using JasperFx.CommandLine;
using MembershipLedger.Interchange;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.CommandLine;

/// <summary>What every ledger command takes: JasperFx's host flags, and the ledger's settings as <c>--Key=Value</c>.</summary>
public class LedgerInput : NetCoreInput;

/// <summary>
/// A command that works on the ledger's database: it builds the host (not started), applies the schema, and runs. Its
/// exit code keeps the ledger's convention: 0 done, 1 done and found something wrong (a refused import, a broken chain),
/// 2 not done because the command line was wrong.
/// </summary>
public abstract class LedgerCommand<T> : JasperFxAsyncCommand<T> where T : LedgerInput
{
    public sealed override async Task<bool> Execute(T input)
    {
        LedgerCommands.Started();
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var code = await RunAsync(input, host.Services, store);
        LedgerCommands.Exit(code);
        return code == 0;
    }

    protected abstract Task<int> RunAsync(T input, IServiceProvider services, IDocumentStore store);

    /// <summary>Long work (imports, rebuilds, erasures) reports its progress on standard error.</summary>
    protected static IProgress<ImportProgress> Progress { get; } = new Progress<ImportProgress>(p =>
        Console.Error.WriteLine(p.Of > 0 ? $"{p.Phase}: {p.Done:N0} of {p.Of:N0}" : $"{p.Phase}: {p.Done:N0}"));

    protected static readonly JsonSerializerOptions Indented = new(Json.Options) { WriteIndented = true };

    /// <summary>Who a command-line write is recorded under: the operating-system account that ran it.</summary>
    protected static string CommandLinePrincipal => $"{Environment.UserName}@command-line";

    protected static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>
    /// <c>dotnet run --project</c> starts the host in the project's folder; a relative path on its command line means the
    /// folder the user typed it in, which the shell passes as PWD.
    /// </summary>
    protected static string Resolve(string path) =>
        Path.IsPathRooted(path) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } shell ? path : Path.Combine(shell, path);

    protected static TextReader Open(string path) =>
        path == "-"
            ? new StreamReader(Console.OpenStandardInput(), new System.Text.UTF8Encoding(false, true))
            : new StreamReader(Resolve(path), new System.Text.UTF8Encoding(false, true));
}
