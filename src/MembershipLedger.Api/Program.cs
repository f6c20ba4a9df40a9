using MembershipLedger.Api;
using MembershipLedger.Api.Database;

// Commands (import, export, rebuild, keys, verify, help, …) run on JasperFx's command line; no argument serves.
if (LedgerCommands.IsCommand(args)) return await LedgerCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(LedgerHost.DefaultUrl);

LedgerDatabase database;
try
{
    database = await LedgerDatabase.ResolveAsync(builder.Configuration);
}
catch (PostgresBinariesNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

await using (database)
{
    builder.AddLedger(database.ConnectionString, database.Embedded);
    var app = builder.Build();
    app.MapLedger();
    app.LoadSamplesAndGreet(database.Description);
    await app.RunAsync();
}
return 0;

/// <summary>Named so the integration tests' WebApplicationFactory can find the entry point.</summary>
public partial class Program;
