using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

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
