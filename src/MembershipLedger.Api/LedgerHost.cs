using MembershipLedger.Access;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Database;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MembershipLedger.Api.Activities;
using MembershipLedger.Api.Grants;
using MembershipLedger.Api.Governance;
using MembershipLedger.Api.Interchange;
using MembershipLedger.Api.Timelines;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Api.People;
using MembershipLedger.Api.Samples;
using MembershipLedger.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Wolverine;

namespace MembershipLedger.Api;

/// <summary>Composes the web host: the store, the time source, problem details, OpenAPI and the feature endpoints.</summary>
public static class LedgerHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The longest request target the ledger reads; a longer one gets 414 as problem details.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <param name="serving">False for a command's host: it neither serves nor reports telemetry.</param>
    public static void AddLedger(this WebApplicationBuilder builder, string connectionString, EmbeddedPostgres? embedded = null, bool serving = true)
    {
        // Kestrel answers a request line over its limit itself, with an empty body; a higher limit lets the ledger answer
        // it with a problem naming the rule (MaxTargetLength), as it answers every other refusal.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestLineSize = 64 * 1024);
        builder.Services.AddExceptionHandler<Faults>();
        var health = builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReachable>("database", tags: ["ready"])
            .AddCheck<ProjectionsCurrent>("projections", tags: ["ready"])
            .AddCheck<MessagesHandled>("messages", tags: ["ready"]);
        ReadReplica.AddIfConfigured(builder, health);
        if (embedded is not null)
        {
            builder.Services.AddSingleton(embedded);
            builder.Services.AddSingleton<EmbeddedDatabaseWatch>();
            builder.Services.AddHostedService(services => services.GetRequiredService<EmbeddedDatabaseWatch>());
            health.AddCheck<EmbeddedDatabaseWatch>("embedded-database", tags: ["ready"]);
        }

        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        builder.Services.AddSingleton<LedgerChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LedgerChanges>());
        builder.Services.AddSingleton<AnswerCache>();
        builder.Services.AddSingleton<ChainSealer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ChainSealer>());
        builder.Services.AddSingleton(_ => LedgerStore.CreateDataSource(connectionString));
        builder.Services.AddMarten(services =>
            {
                var options = new StoreOptions();
                LedgerStore.Configure(options, services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<IClock>(),
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("Marten.Daemon.Wakeup"));
                options.Listeners.Add(services.GetRequiredService<ChainSealer>().Listener);
                return options;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            // Wolverine's inbox and outbox live in the ledger's database, in its own schema; a message sent by a write
            // commits with the write's events or not at all. Wolverine, not Marten, decides which node runs each
            // asynchronous projection (history, timeline): exactly one at a time, handed to another when its node dies.
            .IntegrateWithWolverine(wolverine =>
            {
                wolverine.MessageStorageSchemaName = "wolverine";
                wolverine.UseWolverineManagedEventSubscriptionDistribution = true;
            });

        builder.UseWolverine(wolverine =>
        {
            // The handlers Wolverine generates are compiled at start (Roslyn, pinned in Directory.Packages.props).
            wolverine.UseRuntimeCompilation();
            // The endpoints and handlers live here, whichever program hosts the ledger (the benchmarks' host included).
            wolverine.ApplicationAssembly = typeof(LedgerHost).Assembly;
            wolverine.Policies.AutoApplyTransactions();
            wolverine.Policies.UseDurableLocalQueues();
            // Any number of hosts may serve one database: they elect a leader, and the messages and projections a dead
            // node held are handed to the others. Timings shortened from Wolverine's defaults so a takeover takes seconds,
            // not a minute: a node beats every second and is given up after six missed beats (docs/benchmarks.md).
            wolverine.Durability.Mode = DurabilityMode.Balanced;
            wolverine.Durability.HealthCheckPollingTime = TimeSpan.FromSeconds(1);
            wolverine.Durability.StaleNodeTimeout = TimeSpan.FromSeconds(6);
            wolverine.Durability.CheckAssignmentPeriod = TimeSpan.FromSeconds(1);
            wolverine.Durability.NodeReassignmentPollingTime = TimeSpan.FromSeconds(1);
        });
        builder.Services.AddWolverineHttp();
        builder.Services.AddLedgerAccess();
        if (serving) builder.AddLedgerTelemetry();

        builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(Http.OpenApiDescription.Configure);
        // The web pages: Razor components rendered on the server, no interactivity, so reading needs no script.
        builder.Services.AddRazorComponents();
        // The pages' forms send their writes through the API's own pipeline, in process.
        builder.Services.AddSingleton<Web.Forms.ApiCall>();
    }

    public static void MapLedger(this WebApplication app)
    {
        // Everything after this point is the pipeline a form's write runs through (Web.Forms.ApiCall), routing included.
        Web.Forms.ApiCall.Capture(app);
        LedgerChanges.CountWrites(app);
        app.UseRouting();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.Value?.Length + http.Request.QueryString.Value?.Length > MaxTargetLength)
            {
                await TypedResults.Problem($"The request's path and query are longer than {MaxTargetLength} characters.",
                    statusCode: StatusCodes.Status414UriTooLong, title: "URL too long",
                    extensions: new Dictionary<string, object?> { ["field"] = "url" }).ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealthAsync });
        app.UseAuthentication();
        ApiKeyAuthentication.RefuseUnknownKeys(app);
        app.UseAuthorization();
        Reads.UsePositions(app);
        app.UseIdempotencyKeys();
        app.MapOpenApi();
        app.MapLedgerTelemetry();
        app.MapGroupEndpoints();
        app.MapMembershipEndpoints();
        app.MapRosterEndpoints();
        app.MapActivityEndpoints();
        app.MapGrantEndpoints();
        app.MapWolverineEndpoints(LedgerWrites.Apply);
        app.MapTimelineEndpoints();
        app.MapInterchangeEndpoints();
        app.MapAdminEndpoints();
        app.MapGovernanceEndpoints();
        app.MapGet("/ledger.css", Web.Stylesheet.Serve).ExcludeFromDescription();
        Web.WebPage.UsePageStatus(app);
        app.UseAntiforgery();
        Web.WebPage.RefuseForgedForms(app);
        app.MapRazorComponents<Web.App>();
    }

    /// <summary>Health as JSON: the overall status, and each check's status and why, for a person as much as a probe.</summary>
    private static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
    }

    /// <summary>
    /// On the first start of a ledger that has no keys at all, issues one for the local admin. Printing it is the one
    /// time it exists in clear: the ledger keeps only its hash.
    /// </summary>
    private static async Task<string?> FirstAdminKeyAsync(IDocumentStore store, IClock clock)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<ApiKey>().AnyAsync()) return null;
        var issued = ApiKeys.Issue("local-admin", AccessRole.Admin, null, clock.GetCurrentInstant(), "first start");
        session.Insert(issued.Key);
        await session.SaveChangesAsync();
        return issued.Token;
    }

    /// <summary>Once the server listens: load the samples into an empty ledger and print where to start.</summary>
    public static void LoadSamplesAndGreet(this WebApplication app, string databaseDescription)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var store = app.Services.GetRequiredService<IDocumentStore>();
            var clock = app.Services.GetRequiredService<IClock>();
            // Projections built by another version, or a rebuild that a crash interrupted: finished before anything else.
            if (LedgerProjections.EnsureCurrentAsync(store).GetAwaiter().GetResult() is { } repaired)
                app.Logger.LogWarning("Rebuilt the projections on start: {Why}.", repaired);
            var loaded = app.Configuration.GetValue("Ledger:LoadSamples", true)
                && SampleLedger.LoadIfEmptyAsync(store, clock).GetAwaiter().GetResult();
            // Wolverine assigns the asynchronous projections a few seconds after the first node starts: the greeting
            // waits for them to hold every event (30 s at most), so the first pages a person opens are complete.
            var standings = AsyncProjections.CatchUpAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), AsyncProjections.Names(store),
                TimeSpan.FromSeconds(30), default).GetAwaiter().GetResult();
            if (!standings.All(s => s.Current))
                app.Logger.LogWarning("The history and timeline are still behind the ledger; /health/ready says which node runs them.");
            var adminKey = FirstAdminKeyAsync(store, clock).GetAwaiter().GetResult();
            var keyText = adminKey is null
                ? "API keys: dotnet run --project src/MembershipLedger.Api -- keys list (a key is shown only when it is created)"
                : $"The local admin's API key, shown this once (the ledger keeps only its hash):\n   export KEY={adminKey}";
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
            Console.WriteLine(
                $"""

                 MembershipLedger is running at {address}
                 Open it in a browser: {address}/
                   sign in with an API key to record: {address}/web/sign-in
                   a roster on a date: {address}/web/groups/tajik-wikimedians?date=2022-12-09
                   a grant's spend trail: {address}/web/grants/ma-strategy-salon-2019
                 Data: {databaseDescription}{(loaded ? " (sample groups loaded)" : "")}
                 {keyText}

                 The same answers as JSON:
                   curl '{address}/groups'
                   curl '{address}/groups/tajik-wikimedians/roster?asOf=2022-12-09'
                   curl '{address}/groups/wikimedians-of-mali/roster'
                   curl '{address}/grants/ma-strategy-salon-2019/spend-trail'
                   curl '{address}/groups/wikimedians-of-mali/timeline'
                   curl '{address}/people/Mardetanha/history'
                   curl -H "X-Api-Key: $KEY" '{address}/groups/tajik-wikimedians/export'
                   curl -H "X-Api-Key: $KEY" -H 'Content-Type: text/plain' --data-binary @list.txt '{address}/groups/tajik-wikimedians/imports/signatures?dryRun=true'
                   curl -H "X-Api-Key: $KEY" '{address}/admin/verify'
                   OpenAPI: {address}/openapi/v1.json
                   Command line: dotnet run --project src/MembershipLedger.Api -- help

                 Press Ctrl+C to stop.
                 """);
        });
    }
}
