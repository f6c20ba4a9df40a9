using JasperFx.CommandLine;
using JasperFx.CommandLine.Commands;
using MembershipLedger.Api.CommandLine;

namespace MembershipLedger.Api;

/// <summary>
/// The host's command line besides serving, on JasperFx (which Marten and Wolverine already ship): one file per command in
/// <c>CommandLine/</c>, help generated from their descriptions (<c>help</c>, <c>help import</c>), and JasperFx's own
/// commands beside them (<c>describe</c>, <c>codegen</c>, <c>resources</c>). Each runs against the database the server
/// would use (configured, or the embedded one), then exits. Settings pass as <c>--Key=Value</c>, as they do to the server
/// (<c>--ConnectionStrings:Ledger=…</c>).
/// </summary>
public static class LedgerCommands
{
    private sealed class Outcome
    {
        public bool Ran;
        public int? Code;
    }

    // Set by the command that ran, read by RunAsync: JasperFx itself only knows success (0) and failure (1).
    private static readonly AsyncLocal<Outcome?> Current = new();

    /// <summary>Anything but serving: a word first (<c>import</c>, <c>help</c>, <c>run</c>), or <c>--help</c>.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h");

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] is "--help" or "-h") args = ["help", .. args[1..]];
        var settings = args.Where(IsSetting).ToArray();
        var rest = args.Where(a => !IsSetting(a)).ToArray();
        var builder = new LedgerHostBuilder(settings, quiet: rest[0] != "run");
        var executor = CommandExecutor.For(factory =>
        {
            // The stack's own commands, named rather than searched for: the search prints to standard output, which
            // carries exports.
            foreach (var assembly in new[]
                     {
                         typeof(RunCommand).Assembly, typeof(JasperFx.Events.IEvent).Assembly, typeof(Weasel.Core.Migrations.IDatabase).Assembly,
                         typeof(Marten.DocumentStore).Assembly, typeof(Wolverine.WolverineOptions).Assembly, typeof(Wolverine.Http.WolverineHttpOptions).Assembly,
                         typeof(LedgerCommands).Assembly,
                     })
                factory.RegisterCommands(assembly);
            factory.ConfigureRun = run =>
            {
                if (run.Input is not IHostBuilderInput input) return;
                factory.ApplyExtensions(builder);
                input.HostBuilder = builder;
            };
        });
        var outcome = Current.Value = new Outcome();
        var result = await executor.ExecuteAsync(rest);
        // A ledger command says its own code; JasperFx failing before any ran means the command line was wrong (2).
        return outcome.Code ?? (result == 0 || outcome.Ran ? result : 2);
    }

    /// <summary>Called by a ledger command as it finishes: 0 done, 1 done and something is wrong, 2 the command line was wrong.</summary>
    public static void Exit(int code)
    {
        if (Current.Value is { } outcome) outcome.Code = code;
    }

    /// <summary>Called as a ledger command starts: a failure from here on is the command's (1), not the command line's.</summary>
    public static void Started()
    {
        if (Current.Value is { } outcome) outcome.Ran = true;
    }

    // Host settings (--ConnectionStrings:Ledger=…, --LEDGER_DATA_DIR=…, --urls=…) go to configuration, not to a command.
    private static bool IsSetting(string arg) => arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=');
}
