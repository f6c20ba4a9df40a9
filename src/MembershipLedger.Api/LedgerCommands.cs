using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Marten.Events;
using MembershipLedger.Access;
using MembershipLedger.Api.Database;
using MembershipLedger.People;
using MembershipLedger.Interchange;
using MembershipLedger.Memberships.SignatureLists;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Api;

/// <summary>
/// The host's command line besides serving: import, export, rebuild, and the signature list importer.
/// Each runs against the same database the server would use (configured, or the embedded one), then exits.
/// </summary>
public static class LedgerCommands
{
    public const string Usage = """
        Usage: dotnet run --project src/MembershipLedger.Api -- <command>
          (no command)                              serve the ledger (loads the samples into an empty ledger)
          import <file.ndjson|-> [--dry-run]        import NDJSON events; events already present are skipped
          export [--group ID | --person NAME] [--out FILE]
                                                    export events as NDJSON (default: the whole ledger, to stdout)
          rebuild                                   rebuild every projection from the events
          import-signatures <groupId> <file|-> [--dry-run] [--reason TEXT]
                                                    import a Meta-Wiki signature list (rendered text or wikitext)
          catalogue <dir>                           write each event type's JSON Schema into its catalogue entry
                                                    (events/catalogue); descriptions and examples are kept
          keys create --principal NAME --role admin|auditor|organizer [--group ID]
                                                    issue an API key; the key is printed once, the ledger keeps its hash
          keys list                                 list the keys (never their secrets)
          keys revoke <key-id>                      revoke a key; requests with it get 401 from then on
          verify                                    recompute the event chain; exit 1 naming the first altered event
          erase <username> --reason TEXT            erase a person's personal data (they stay on rosters as a pseudonym)
        """;

    private static readonly string[] Commands = ["import", "export", "rebuild", "import-signatures", "catalogue", "keys", "verify", "erase", "help", "--help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] is "help" or "--help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        var options = Options.Parse(args.Skip(1).ToArray());
        if (options.Problem is { } problem)
        {
            Console.Error.WriteLine(problem);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (args[0] == "catalogue")
            return options.Positional.Count == 1 ? WriteCatalogue(Resolve(options.Positional[0])) : Fail("catalogue needs the catalogue's directory.");

        var builder = WebApplication.CreateBuilder(options.Rest);
        // Standard output carries exports and reports; the host's own logging stays out of it.
        builder.Logging.ClearProviders();
        await using var database = await LedgerDatabase.ResolveAsync(builder.Configuration);
        builder.AddLedger(database.ConnectionString);
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var clock = app.Services.GetRequiredService<IClock>();
        var progress = new Progress<ImportProgress>(p =>
            Console.Error.WriteLine(p.Of > 0 ? $"{p.Phase}: {p.Done:N0} of {p.Of:N0}" : $"{p.Phase}: {p.Done:N0}"));

        switch (args[0])
        {
            case "import":
            {
                if (options.Positional.Count != 1) return Fail("import needs one file (or - for standard input).");
                using var reader = Open(options.Positional[0]);
                var report = await LedgerImport.ImportAsync(store, reader, new ImportContext(CommandLinePrincipal, "command-line", clock.GetCurrentInstant(), options.DryRun, CorrelationId: Guid.NewGuid().ToString()), progress);
                Console.WriteLine(JsonSerializer.Serialize(report, Indented));
                return report.Refused ? 1 : 0;
            }
            case "export":
            {
                ExportScope scope = options.Group is { } g ? new ExportScope.Group(g) : options.Person is { } p ? new ExportScope.Person(p) : new ExportScope.Everything();
                await using var output = options.Out is { } path ? File.Create(Resolve(path)) : Console.OpenStandardOutput();
                var count = await LedgerExport.ExportAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), scope, output);
                Console.Error.WriteLine($"{count:N0} events exported.");
                return 0;
            }
            case "rebuild":
                // Asked for durably first: if this process dies mid-way, the host's next start finishes the rebuild.
                await LedgerProjections.RequestRebuildAsync(store, $"rebuild from the command line by {CommandLinePrincipal}");
                await LedgerProjections.RebuildAsync(store, progress);
                Console.Error.WriteLine($"Rebuilt: {string.Join(", ", LedgerProjections.Names(store))}.");
                return 0;
            case "import-signatures":
            {
                if (options.Positional.Count != 2) return Fail("import-signatures needs a group id and a file (or -).");
                var groupId = options.Positional[0];
                await using var session = store.LightweightSession();
                if (await session.LoadAsync<MembershipLedger.Groups.GroupProfile>(groupId) is null) return Fail($"No group '{groupId}' is registered.");
                using var reader = Open(options.Positional[1]);
                var reading = SignatureList.Read(await reader.ReadToEndAsync());
                session.LastModifiedBy = CommandLinePrincipal;
                session.CorrelationId = Guid.NewGuid().ToString();
                session.SetHeader(EventMetadata.Source, "command-line");
                if (options.Reason is { } reason) session.SetHeader(EventMetadata.Reason, reason);
                var report = await SignatureImport.ImportAsync(session, groupId, reading, options.DryRun, clock.GetCurrentInstant());
                Console.WriteLine(JsonSerializer.Serialize(report, Indented));
                return 0;
            }
            case "keys":
                return await KeysAsync(store, clock, options);
            case "verify":
            {
                var verification = await LedgerVerification.VerifyAsync(store);
                Console.WriteLine(JsonSerializer.Serialize(verification, Indented));
                if (verification.FirstBroken is { } broken) Console.Error.WriteLine(broken.Detail);
                foreach (var letter in verification.DeadLetters)
                    Console.Error.WriteLine($"Event {letter.Sequence} ({letter.StreamKey}, {letter.EventType}) is not in the {letter.Projection} projection: {letter.Error}");
                if (!verification.Projections.Current) Console.Error.WriteLine("The projections need a rebuild: the host does it on its next start, or run `rebuild`.");
                return verification.Intact && verification.ProjectionsWhole ? 0 : 1;
            }
            case "erase":
            {
                if (options.Positional.Count != 1) return Fail("erase needs the person's username.");
                if (options.Reason is not { Length: > 0 } why) return Fail("erase needs --reason: the request it answers.");
                var name = MembershipLedger.Ledger.Usernames.Normalize(options.Positional[0]);
                var report = await Erasure.EraseAsync(store, new ErasureRequest(name, why, CommandLinePrincipal, "command-line", Guid.NewGuid().ToString()), default, progress);
                if (report is null) return Fail($"No event of the ledger names {name}.");
                Console.WriteLine(JsonSerializer.Serialize(report, Indented));
                return 0;
            }
        }
        return Fail($"Unknown command '{args[0]}'.");
    }

    private static async Task<int> KeysAsync(IDocumentStore store, IClock clock, Options options)
    {
        await using var session = store.LightweightSession();
        switch (options.Positional.FirstOrDefault())
        {
            case "create":
            {
                if (!WireNames<AccessRole>.TryParse(options.Role, out var role)) return Fail("keys create needs --role admin, auditor or organizer.");
                var principal = options.Principal ?? "";
                if (ApiKeys.Invalid(principal, role, options.Group) is { } why) return Fail(why);
                if (options.Group is { } group && await session.LoadAsync<MembershipLedger.Groups.GroupProfile>(group) is null)
                    return Fail($"No group '{group}' is registered.");
                var issued = ApiKeys.Issue(principal, role, options.Group, clock.GetCurrentInstant(), CommandLinePrincipal);
                session.Insert(issued.Key);
                await session.SaveChangesAsync();
                Console.Error.WriteLine($"Key {issued.Key.Id} for {principal} ({Json.Kind(role)}{(issued.Key.GroupId is { } g ? $" of {g}" : "")}). It is shown this once:");
                Console.WriteLine(issued.Token);
                return 0;
            }
            case "list":
                foreach (var key in await session.Query<ApiKey>().ToListAsync())
                    Console.WriteLine(string.Join('\t', key.Id, key.Principal, Json.Kind(key.Role), key.GroupId ?? "-", key.CreatedAt,
                        key.RevokedAt is { } at ? $"revoked {at}" : "active"));
                return 0;
            case "revoke" when options.Positional.Count == 2:
            {
                if (await session.LoadAsync<ApiKey>(options.Positional[1]) is not { } key) return Fail($"No key '{options.Positional[1]}'.");
                if (!key.IsRevoked)
                {
                    session.Store(key with { RevokedAt = clock.GetCurrentInstant() });
                    await session.SaveChangesAsync();
                }
                Console.Error.WriteLine($"Key {key.Id} of {key.Principal} is revoked.");
                return 0;
            }
            default:
                return Fail("keys create | keys list | keys revoke <key-id>");
        }
    }

    /// <summary>Refreshes the schema of every entry (creating entries for new types) and keeps the hand-written parts.</summary>
    private static int WriteCatalogue(string directory)
    {
        var options = new StoreOptions();
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        LedgerStore.Configure(options, dataSource, SystemClock.Instance);
        Directory.CreateDirectory(directory);
        foreach (var type in ((IReadOnlyEventStoreOptions)options.Events).AllKnownEventTypes().OrderBy(t => t.EventTypeName, StringComparer.Ordinal))
        {
            var path = Path.Combine(directory, $"{type.EventTypeName}.json");
            var entry = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : new JsonObject
            {
                ["type"] = type.EventTypeName, ["stream"] = "", ["description"] = "", ["appended"] = "", ["example"] = null,
            };
            entry["schema"] = EventSchemas.For(type.EventType);
            File.WriteAllText(path, entry.ToJsonString(CatalogueJson) + "\n");
            Console.Error.WriteLine(path);
        }
        return 0;
    }

    private static readonly JsonSerializerOptions CatalogueJson = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Indented = new(Json.Options) { WriteIndented = true };

    private static TextReader Open(string path) =>
        path == "-" ? new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, true)) : new StreamReader(Resolve(path), new UTF8Encoding(false, true));

    // `dotnet run --project` starts the host in the project's folder; a relative path on its command line means the
    // folder the user typed it in, which the shell passes as PWD.
    private static string Resolve(string path) =>
        Path.IsPathRooted(path) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } shell ? path : Path.Combine(shell, path);

    /// <summary>Who a command-line write is recorded under: the operating-system account that ran it.</summary>
    private static string CommandLinePrincipal => $"{Environment.UserName}@command-line";

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private sealed record Options(
        List<string> Positional, bool DryRun, string? Group, string? Person, string? Out, string? Reason, string? Principal, string? Role,
        string[] Rest, string? Problem)
    {
        public static Options Parse(string[] args)
        {
            var positional = new List<string>();
            var rest = new List<string>();
            bool dryRun = false;
            string? group = null, person = null, output = null, reason = null, principal = null, role = null, problem = null;
            for (var i = 0; i < args.Length; i++)
            {
                string? Value() => i + 1 < args.Length ? args[++i] : null;
                switch (args[i])
                {
                    case "--dry-run": dryRun = true; break;
                    case "--group": group = Value() ?? Missing("--group"); break;
                    case "--person": person = Value() ?? Missing("--person"); break;
                    case "--out": output = Value() ?? Missing("--out"); break;
                    case "--reason": reason = Value() ?? Missing("--reason"); break;
                    case "--principal": principal = Value() ?? Missing("--principal"); break;
                    case "--role": role = Value() ?? Missing("--role"); break;
                    // Host settings (--ConnectionStrings:Ledger=…, --LEDGER_DATA_DIR=…) pass through to configuration.
                    case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('='): rest.Add(setting); break;
                    case var flag when flag.StartsWith("--", StringComparison.Ordinal) && flag.Length > 2: problem ??= $"Unknown option {flag}."; break;
                    default: positional.Add(args[i]); break;
                }
            }
            if (group is not null && person is not null) problem ??= "Export a group or a person, not both.";
            return new Options(positional, dryRun, group, person, output, reason, principal, role, rest.ToArray(), problem);

            string? Missing(string name)
            {
                problem ??= $"{name} needs a value.";
                return null;
            }
        }
    }
}
