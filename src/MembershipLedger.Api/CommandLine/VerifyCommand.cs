using System.Text.Json;
using JasperFx.CommandLine;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.CommandLine;

[Description("Recompute the event chain and check the projections; exit 1 naming the first altered event", Name = "verify")]
public sealed class VerifyCommand : LedgerCommand<LedgerInput>
{
    protected override async Task<int> RunAsync(LedgerInput input, IServiceProvider services, IDocumentStore store)
    {
        var verification = await LedgerVerification.VerifyAsync(store);
        Console.WriteLine(JsonSerializer.Serialize(verification, Indented));
        if (verification.FirstBroken is { } broken) Console.Error.WriteLine(broken.Detail);
        foreach (var letter in verification.DeadLetters)
            Console.Error.WriteLine($"Event {letter.Sequence} ({letter.StreamKey}, {letter.EventType}) is not in the {letter.Projection} projection: {letter.Error}");
        if (!verification.Projections.Current) Console.Error.WriteLine("The projections need a rebuild: the host does it on its next start, or run `rebuild`.");
        return verification.Intact && verification.ProjectionsWhole ? 0 : 1;
    }
}
