using Marten;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Http;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;

namespace MembershipLedger.Api.Memberships;

/// <summary>Writes to an affiliation stream, the one per group and person.</summary>
public static class AffiliationWrites
{
    public static async Task<GroupProfile?> LoadGroupAsync(IQuerySession session, string groupId, CancellationToken ct) =>
        GroupEndpoints.IsGroupId(groupId) ? await session.LoadAsync<GroupProfile>(groupId, ct) : null;

    public static Task<StreamWrites.Outcome> WriteAsync(
        IDocumentSession session, HttpContext http, string groupId, string username, string? reason, Func<Affiliation?, Decision> decide) =>
        StreamWrites.AppendAsync(session, http, Affiliation.StreamKey(groupId, username), reason, decide);
}
