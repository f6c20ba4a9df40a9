using JasperFx.CommandLine;
using MembershipLedger.Api;
using MembershipLedger.Api.CommandLine;

// Commands (import, export, rebuild, keys, verify, help, …) run on JasperFx's command line; no argument serves.
if (LedgerCommands.IsCommand(args)) return await LedgerCommands.RunAsync(args);

IHost host;
try
{
    host = new LedgerHostBuilder(args, quiet: false).Build();
}
catch (CommandFailureException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
// Running disposes the host at the end, and with it an embedded database it started.
await host.RunAsync();
return 0;

/// <summary>Named so the integration tests' WebApplicationFactory can find the entry point.</summary>
public partial class Program;
