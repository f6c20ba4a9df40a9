using System.Security.Cryptography;
using MembershipLedger.Governance;

namespace MembershipLedger.Api.Governance;

/// <summary>
/// The ledger's statement-signing key: an ECDSA P-256 key (ES256) kept in the ledger's database, so that every node signs
/// with it and it survives restarts. Only its public half ever leaves: the JWKS at <c>/.well-known/jwks.json</c>. The
/// database is the trust boundary here, as it is for the events themselves.
/// </summary>
public sealed class StatementSigningKey
{
    public string Id { get; set; } = "";
    public string PrivateKeyPkcs8 { get; set; } = "";
    public Instant CreatedAt { get; set; }
}

public static class StatementKeys
{
    /// <summary>The key's id, the <c>kid</c> of every statement it signs. Nodes creating it together create the same document: one wins.</summary>
    public const string CurrentId = "ledger-es256-1";

    public static async Task<(string KeyId, ECDsa Key)> SigningKeyAsync(IDocumentStore store, IClock clock, CancellationToken ct)
    {
        await using (var read = store.QuerySession())
            if (await read.LoadAsync<StatementSigningKey>(CurrentId, ct) is { } existing) return (existing.Id, Open(existing));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            await using var write = store.LightweightSession();
            write.Insert(new StatementSigningKey { Id = CurrentId, PrivateKeyPkcs8 = Convert.ToBase64String(key.ExportPkcs8PrivateKey()), CreatedAt = clock.GetCurrentInstant() });
            await write.SaveChangesAsync(ct);
            return (CurrentId, key);
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            // Another node created it first: sign with that one.
            await using var read = store.QuerySession();
            return (CurrentId, Open((await read.LoadAsync<StatementSigningKey>(CurrentId, ct))!));
        }
    }

    /// <summary>The public keys, by id: what a verifier needs, and what the JWKS publishes.</summary>
    public static async Task<IReadOnlyDictionary<string, ECDsa>> PublicKeysAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Query<StatementSigningKey>().ToListAsync(ct)).ToDictionary(k => k.Id, k =>
        {
            var publicOnly = ECDsa.Create();
            publicOnly.ImportParameters(Open(k).ExportParameters(includePrivateParameters: false));
            return publicOnly;
        });

    private static ECDsa Open(StatementSigningKey stored)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(stored.PrivateKeyPkcs8), out _);
        return key;
    }
}
