using MembershipLedger.Api;
using MembershipLedger.Api.Database;
using MembershipLedger.Groups;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

/// <summary>What the HTTP benchmarks share: one group with a long history in a fresh cluster, and the host over loopback.</summary>
public static class BenchLedger
{
    public const string Group = "bench-group";

    public static readonly Instant Start = Instant.FromUtc(2015, 1, 1, 0, 0);

    /// <summary>The group, then <paramref name="events"/> sign-ups and withdrawals one simulated minute apart, then <c>vacuum analyze</c>.</summary>
    public static async Task CreateAsync(string connectionString, int events)
    {
        await using var db = LedgerStore.CreateDataSource(connectionString);
        var clock = new FakeClock(Start);
        await using var store = await LedgerStore.OpenAsync(db, clock);
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<GroupProfile>(Group, new GroupRegistered(Group, new GroupProfileDetails(
                "Benchmark User Group", GroupKind.UserGroup, "TJ", ["tg"], DateTimeZoneProviders.Tzdb["Asia/Dushanbe"], null, [])));
            await session.SaveChangesAsync();
        }
        await RosterHistory.AppendAsync(store, clock, Group, events);
        await using var vacuum = db.CreateCommand("vacuum analyze");
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>The host the README's first command runs, on a free loopback port, without its logs; and its address.</summary>
    public static async Task<(WebApplication App, string Address)> StartHostAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Ledger:LoadSamples"] = "false";
        builder.AddLedger(connectionString);
        var app = builder.Build();
        app.MapLedger();
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
