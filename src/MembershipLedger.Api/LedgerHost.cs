using MembershipLedger.Api.Activities;
using MembershipLedger.Api.Grants;
using MembershipLedger.Api.Interchange;
using MembershipLedger.Api.Timelines;
using Marten;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Api.Samples;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Api;

/// <summary>Composes the web host: the store, the time source, problem details, OpenAPI and the feature endpoints.</summary>
public static class LedgerHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static void AddLedger(this WebApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        builder.Services.AddSingleton(_ => LedgerStore.CreateDataSource(connectionString));
        builder.Services.AddMarten(services =>
            {
                var options = new StoreOptions();
                LedgerStore.Configure(options, services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<IClock>());
                return options;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();

        builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
    }

    public static void MapLedger(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGroupEndpoints();
        app.MapMembershipEndpoints();
        app.MapRoleEndpoints();
        app.MapRosterEndpoints();
        app.MapActivityEndpoints();
        app.MapGrantEndpoints();
        app.MapTimelineEndpoints();
        app.MapInterchangeEndpoints();
    }

    /// <summary>Once the server listens: load the samples into an empty ledger and print where to start.</summary>
    public static void LoadSamplesAndGreet(this WebApplication app, string databaseDescription)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var loaded = app.Configuration.GetValue("Ledger:LoadSamples", true)
                && SampleLedger.LoadIfEmptyAsync(app.Services.GetRequiredService<IDocumentStore>(), app.Services.GetRequiredService<IClock>())
                    .GetAwaiter().GetResult();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
            Console.WriteLine(
                $"""

                 MembershipLedger is running at {address}
                 Data: {databaseDescription}{(loaded ? " (sample groups loaded)" : "")}

                 Try:
                   curl '{address}/groups'
                   curl '{address}/groups/tajik-wikimedians/roster?asOf=2022-12-09'
                   curl '{address}/groups/wikimedians-of-mali/roster'
                   curl '{address}/grants/ma-strategy-salon-2019/spend-trail'
                   curl '{address}/groups/wikimedians-of-mali/timeline'
                   curl '{address}/people/Mardetanha/history'
                   curl '{address}/groups/tajik-wikimedians/export'
                   curl -H 'Content-Type: text/plain' --data-binary @list.txt '{address}/groups/tajik-wikimedians/imports/signatures?dryRun=true'
                   OpenAPI: {address}/openapi/v1.json
                   Command line: dotnet run --project src/MembershipLedger.Api -- help

                 Press Ctrl+C to stop.
                 """);
        });
    }
}
