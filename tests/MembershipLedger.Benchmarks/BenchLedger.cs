using MembershipLedger.Api;
using MembershipLedger.Api.Database;
using Marten;
using MembershipLedger.Grants;
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

    public const string Grant = "bench-grant";

    public static readonly Instant Start = Instant.FromUtc(2015, 1, 1, 0, 0);

    /// <summary>Runs <paramref name="run"/> on a fresh throwaway cluster (in its own temporary directory), then removes both.</summary>
    public static async Task InClusterAsync(Func<EmbeddedPostgres, string, Task> run)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Guid.NewGuid():N}");
        var cluster = await EmbeddedPostgres.StartAsync(directory);
        try
        {
            await run(cluster, directory);
        }
        finally
        {
            await cluster.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The group, then <paramref name="events"/> sign-ups and withdrawals one simulated minute apart, and a grant of the
    /// group with <paramref name="expenses"/> expenses (none when 0), then <c>vacuum analyze</c>.
    /// </summary>
    public static async Task CreateAsync(string connectionString, int events, int expenses = 0)
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
        if (expenses > 0) await AppendGrantAsync(store, clock, Group, Grant, expenses, registerGroup: false);
        await using var vacuum = db.CreateCommand("vacuum analyze");
        await vacuum.ExecuteNonQueryAsync();
    }

    public static readonly LocalDate GrantStart = new(2023, 1, 1);

    public static readonly string[] GrantLines = ["accommodation", "transportation", "meals-and-catering", "t-shirts"];

    /// <summary>
    /// A USD grant of a year with four budget lines, then <paramref name="expenses"/> expenses on random days of its year,
    /// 1,000 a session, through Marten with the inline projections; thirty simulated seconds apart.
    /// </summary>
    public static async Task AppendGrantAsync(IDocumentStore store, FakeClock clock, string groupId, string grantId, int expenses, bool registerGroup)
    {
        await using (var session = store.LightweightSession())
        {
            if (registerGroup)
                session.Events.StartStream<GroupProfile>(groupId, new GroupRegistered(groupId, new GroupProfileDetails(
                    "Benchmark User Group", GroupKind.UserGroup, "MA", ["ar"], DateTimeZoneProviders.Tzdb["Africa/Casablanca"], null, [])));
            session.Events.StartStream<Grant>(grantId, new GrantAwarded(grantId, groupId, "Wikimedia Foundation", "Annual Fund", "Benchmark",
                GrantStart, GrantStart.PlusDays(364), "USD", 100_000_000m, GrantLines.Select(l => new BudgetLine(l, l, 25_000_000m)).ToList(), GrantStart, null));
            await session.SaveChangesAsync();
        }
        var random = new Random(7);
        for (var done = 0; done < expenses;)
        {
            await using var session = store.LightweightSession();
            var batch = new List<object>();
            for (var i = 0; i < 1000 && done < expenses; i++, done++)
            {
                clock.Advance(Duration.FromSeconds(30));
                var amount = random.Next(100, 100_000) / 100m;
                batch.Add(new ExpenseRecorded(grantId, Guid.NewGuid(), GrantLines[random.Next(GrantLines.Length)], amount, "USD", null, amount,
                    GrantStart.PlusDays(random.Next(365)), "Payee", "Benchmark expense", null));
            }
            session.Events.Append(grantId, batch);
            await session.SaveChangesAsync();
        }
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
        // A ledger built for a benchmark was appended without the daemon: the host's daemon first applies every event to
        // the history and the timeline. Measured before it is done, the loads would share the cores with its catching up,
        // and every page would say (and wait on) a timeline behind, which no ledger in use is.
        var store = app.Services.GetRequiredService<Marten.IDocumentStore>();
        // Appended without a host, its events wait to be sealed, as a ledger in use would have had them sealed long ago.
        await EventChain.SealAsync(store);
        var standings = await AsyncProjections.CatchUpAsync(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), AsyncProjections.Names(store),
            TimeSpan.FromMinutes(10), default);
        if (standings.FirstOrDefault(s => !s.Current) is { } behind)
            throw new InvalidOperationException($"The {behind.Projection} projection is still {behind.Behind} events behind after 10 minutes.");
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
