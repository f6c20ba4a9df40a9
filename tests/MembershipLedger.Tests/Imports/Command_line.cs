using MembershipLedger.Api;
using MembershipLedger.Api.Samples;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Imports;

/// <summary>The host's command line: export, import with a dry run, rebuild and the signature importer, on the test database.</summary>
public class Command_line(LedgerApp app) : LedgerTest(app)
{
    private Task<int> Run(params string[] args) => LedgerCommands.RunAsync([.. args, $"--ConnectionStrings:Ledger={App.ConnectionString}"]);

    [Fact]
    public async Task Export_import_and_rebuild_from_the_command_line_keep_the_ledger_whole()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);
        var file = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.ndjson");
        try
        {
            Assert.Equal(0, await Run("export", "--out", file));
            Assert.Equal(107, File.ReadLines(file).Count());

            await App.ResetAsync();
            Assert.Equal(0, await Run("import", file, "--dry-run"));
            Assert.Equal(0, await App.EventCountAsync());
            Assert.Equal(0, await Run("import", file));
            Assert.Equal(107, await App.EventCountAsync());

            Assert.Equal(0, await Run("rebuild"));
            var mali = await GetJson(Client, "/groups/wikimedians-of-mali/roster");
            Assert.Equal(33, mali.GetProperty("undatedCount").GetInt32());

            File.WriteAllText(file, "# [[User:Farorud|Farorud]] 11:13, 9 December 2022 (UTC)\n# [[User:NewSigner|NewSigner]] 10:00, 1 May 2023 (UTC)");
            Assert.Equal(0, await Run("import-signatures", Tajik, file));
            var roster = await GetJson(Client, $"/groups/{Tajik}/roster");
            Assert.Contains("NewSigner", Names(roster.GetProperty("members")));

            Assert.Equal(2, await Run("import"));
            Assert.Equal(2, await Run("export", "--group", "a", "--person", "b"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
