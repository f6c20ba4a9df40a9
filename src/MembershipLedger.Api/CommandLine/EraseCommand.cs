using System.Text.Json;
using JasperFx.CommandLine;
using MembershipLedger.People;

namespace MembershipLedger.Api.CommandLine;

public sealed class EraseInput : LedgerInput
{
    [Description("The person's account name")]
    public string Username { get; set; } = "";

    [Description("The request it answers, e.g. \"Asked by e-mail on 2024-05-30, ticket 1234\" (required)")]
    public string? ReasonFlag { get; set; }
}

[Description("Erase a person's personal data; they stay on rosters as a pseudonym", Name = "erase")]
public sealed class EraseCommand : LedgerCommand<EraseInput>
{
    protected override async Task<int> RunAsync(EraseInput input, IServiceProvider services, IDocumentStore store)
    {
        if (input.ReasonFlag is not { Length: > 0 } why) return Fail("erase needs --reason: the request it answers.");
        var name = Usernames.Normalize(input.Username);
        var report = await Erasure.EraseAsync(store, new ErasureRequest(name, why, CommandLinePrincipal, "command-line", Guid.NewGuid().ToString()), default, Progress);
        if (report is null) return Fail($"No event of the ledger names {name}.");
        Console.WriteLine(JsonSerializer.Serialize(report, Indented));
        return 0;
    }
}
