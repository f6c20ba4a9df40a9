using MembershipLedger.Storage;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MembershipLedger.Api.Web.Sessions;

/// <summary>
/// A browser session as the server keeps it: the claims of the key it was begun with, serialized, and when it ends.
/// The cookie holds only <see cref="Id"/> (protected); signing out deletes the row, so a copied cookie stops working too.
/// </summary>
public sealed record WebSession(string Id, byte[] Ticket, Instant ExpiresAt);

/// <summary>Keeps browser sessions in the ledger's database, so every node knows them.</summary>
public sealed class WebSessionStore(IDocumentStore store, IClock clock) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await SaveAsync(id, ticket);
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => SaveAsync(key, ticket);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var session = store.QuerySession();
        var found = await session.LoadAsync<WebSession>(key);
        return found is null || found.ExpiresAt <= clock.GetCurrentInstant() ? null : TicketSerializer.Default.Deserialize(found.Ticket);
    }

    public async Task RemoveAsync(string key)
    {
        await using var session = store.LightweightSession();
        session.Delete<WebSession>(key);
        // Sessions that ended on their own are removed with the next sign-out (Marten's LINQ does not compare NodaTime values).
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_websession";
        session.QueueSql($"delete from {table} where (data ->> 'expiresAt')::timestamptz < ?", clock.GetCurrentInstant().ToDateTimeOffset());
        await session.SaveChangesAsync();
    }

    private async Task SaveAsync(string id, AuthenticationTicket ticket)
    {
        await using var session = store.LightweightSession();
        var expires = ticket.Properties.ExpiresUtc is { } at ? Instant.FromDateTimeOffset(at) : clock.GetCurrentInstant() + Duration.FromTimeSpan(BrowserSessions.IdleTimeout);
        session.Store(new WebSession(id, TicketSerializer.Default.Serialize(ticket), expires));
        await session.SaveChangesAsync();
    }
}
