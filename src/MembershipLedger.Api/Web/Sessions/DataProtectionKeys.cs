using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace MembershipLedger.Api.Web.Sessions;

/// <summary>A data-protection key as stored: the XML ASP.NET Core writes for it.</summary>
public sealed record DataProtectionKey(string Id, string Xml);

/// <summary>
/// The keys that protect session cookies and antiforgery tokens, kept in the ledger's database: every node reads the same
/// key ring, and a restart does not sign everyone out or void the forms open in their browsers.
/// </summary>
public sealed class DataProtectionKeys(IDocumentStore store) : IXmlRepository
{
    // ASP.NET Core asks for the key ring rarely (at start, then about once a day) and synchronously; Marten 9 reads only
    // asynchronously, so the calls wait here (no synchronization context in ASP.NET Core to deadlock on).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var session = store.QuerySession();
        return session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult().Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new DataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting)));
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Makes sure the key ring has a key before the host serves: nodes starting together take turns (an advisory lock), so
/// the first creates the key and the others read it. Left to ASP.NET Core, each would create its own at its first
/// request, and a cookie one node made would not open on the other until they next read the ring (a day later).
/// Later keys are made two days before they are needed, which is time enough for every node to read them.
/// </summary>
public sealed class FirstDataProtectionKey(IKeyManager keys, NpgsqlDataSource db) : IHostedService
{
    private const long Lock = 7305112026;

    public async Task StartAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand($"select pg_advisory_xact_lock({Lock})", connection, transaction)) await take.ExecuteNonQueryAsync(ct);
        // The system's clock, not the ledger's: data protection dates its keys by it (a test's fixed ledger clock would
        // make a key that expired long ago).
        var now = TimeProvider.System.GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            keys.CreateNewKey(now, now.AddDays(90));
        await transaction.CommitAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
