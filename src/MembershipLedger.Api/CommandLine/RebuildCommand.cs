using JasperFx.CommandLine;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.CommandLine;

[Description("Rebuild every projection from the events, in one transaction (readers keep the full tables until it commits)", Name = "rebuild")]
public sealed class RebuildCommand : LedgerCommand<LedgerInput>
{
    protected override async Task<int> RunAsync(LedgerInput input, IServiceProvider services, IDocumentStore store)
    {
        // Asked for durably first: if this process dies mid-way, the host's next start finishes the rebuild.
        await LedgerProjections.RequestRebuildAsync(store, $"rebuild from the command line by {CommandLinePrincipal}");
        await LedgerProjections.RebuildAsync(store, Progress);
        Console.Error.WriteLine($"Rebuilt: {string.Join(", ", LedgerProjections.Names(store))}.");
        return 0;
    }
}
