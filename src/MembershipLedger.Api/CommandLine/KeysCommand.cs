using JasperFx.CommandLine;
using MembershipLedger.Access;
using MembershipLedger.Groups;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.CommandLine;

public sealed class KeysInput : LedgerInput
{
    [Description("create, list or revoke")]
    public string Action { get; set; } = "";

    [Description("The key to revoke (its id, as keys list shows it)")]
    public string? KeyId { get; set; }

    [Description("Who holds the new key: a person or a role, 1 to 100 characters")]
    public string? PrincipalFlag { get; set; }

    [Description("admin, auditor or organizer")]
    public string? RoleFlag { get; set; }

    [Description("The group an organizer's key writes to")]
    public string? GroupFlag { get; set; }
}

[Description("Issue, list or revoke API keys; a key is printed once, the ledger keeps only its hash", Name = "keys")]
public sealed class KeysCommand : LedgerCommand<KeysInput>
{
    public KeysCommand()
    {
        Usage("Issue a key").Arguments(x => x.Action).ValidFlags(x => x.PrincipalFlag!, x => x.RoleFlag!, x => x.GroupFlag!);
        Usage("List the keys, never their secrets").Arguments(x => x.Action);
        Usage("Revoke a key: requests with it get 401 from then on").Arguments(x => x.Action, x => x.KeyId!);
    }

    protected override async Task<int> RunAsync(KeysInput input, IServiceProvider services, IDocumentStore store)
    {
        var clock = services.GetRequiredService<IClock>();
        await using var session = store.LightweightSession();
        switch (input.Action)
        {
            case "create":
            {
                if (!WireNames<AccessRole>.TryParse(input.RoleFlag, out var role)) return Fail("keys create needs --role admin, auditor or organizer.");
                var principal = input.PrincipalFlag ?? "";
                if (ApiKeys.Invalid(principal, role, input.GroupFlag) is { } why) return Fail(why);
                if (input.GroupFlag is { } group && await session.LoadAsync<GroupProfile>(group) is null) return Fail($"No group '{group}' is registered.");
                var issued = ApiKeys.Issue(principal, role, input.GroupFlag, clock.GetCurrentInstant(), CommandLinePrincipal);
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
            case "revoke" when input.KeyId is { } id:
            {
                if (await session.LoadAsync<ApiKey>(id) is not { } key) return Fail($"No key '{id}'.");
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
}
