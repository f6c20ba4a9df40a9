using System.Net;
using System.Net.Http.Json;
using MembershipLedger.Api;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Access;

/// <summary>Keys are created, listed and revoked from the command line, and the chain verified there.</summary>
public sealed class Keys_from_the_command_line(LedgerApp app) : LedgerTest(app)
{
    private async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var before = Console.Out;
        Console.SetOut(output);
        try
        {
            var exit = await LedgerCommands.RunAsync([.. args, $"--ConnectionStrings:Ledger={App.ConnectionString}"]);
            return (exit, output.ToString());
        }
        finally
        {
            Console.SetOut(before);
        }
    }

    [Fact]
    public async Task A_key_created_on_the_command_line_writes_its_group_until_it_is_revoked()
    {
        await Scenarios.RegisteredTajikGroup(Client);

        var (created, token) = await Run("keys", "create", "--principal", "Darafsh", "--role", "organizer", "--group", Scenarios.Tajik);
        Assert.Equal(0, created);
        var organizer = App.Anonymous;
        using var signUp = new HttpRequestMessage(HttpMethod.Post, $"/groups/{Scenarios.Tajik}/members") { Content = JsonContent.Create(new { username = "Farorud" }) };
        signUp.Headers.Add("X-Api-Key", token.Trim());
        await Scenarios.Expect(await organizer.SendAsync(signUp), HttpStatusCode.Created);

        var (_, list) = await Run("keys", "list");
        var line = Assert.Single(list.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("Darafsh"));
        Assert.Contains("organizer", line);
        Assert.Contains(Scenarios.Tajik, line);
        Assert.DoesNotContain(token.Trim().Split('_')[2], list);
        var keyId = line.Split('\t')[0];

        Assert.Equal(0, (await Run("keys", "revoke", keyId)).Exit);
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/groups/{Scenarios.Tajik}/members") { Content = JsonContent.Create(new { username = "Kagansky" }) };
        again.Headers.Add("X-Api-Key", token.Trim());
        await Scenarios.Expect(await organizer.SendAsync(again), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Verify_on_the_command_line_fails_naming_the_row_edited_with_sql()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        Assert.Equal(0, (await Run("verify")).Exit);

        await App.ExecuteSqlAsync($"update {LedgerSchema.Name}.mt_events set user_name = 'someone else' where stream_id = '{Scenarios.Tajik}:Farorud'");

        var (exit, output) = await Run("verify");
        Assert.Equal(1, exit);
        Assert.Contains($"\"streamKey\": \"{Scenarios.Tajik}:Farorud\"", output);
        Assert.Contains("\"problem\": \"altered\"", output);
    }
}
