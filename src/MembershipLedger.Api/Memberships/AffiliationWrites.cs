using Marten;
using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Http;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.People;

namespace MembershipLedger.Api.Memberships;

/// <summary>Writes to an affiliation stream, the one per group and person.</summary>
public static class AffiliationWrites
{
    public static async Task<GroupProfile?> LoadGroupAsync(IQuerySession session, string groupId, CancellationToken ct) =>
        GroupEndpoints.IsGroupId(groupId) ? await session.LoadAsync<GroupProfile>(groupId, ct) : null;

    /// <summary>Writes to the person's affiliation stream, found through their current name (a renamed account keeps its stream).</summary>
    public static async Task<StreamWrites.Outcome> WriteAsync(
        IDocumentSession session, HttpContext http, string groupId, string username, string? reason, Func<Affiliation?, Decision> decide)
    {
        var (key, renamed) = await Accounts.StreamKeyAsync(session, groupId, username, http.RequestAborted);
        return renamed is not null
            ? new StreamWrites.Outcome(Problems.From(renamed), [], 0)
            : await StreamWrites.AppendAsync(session, http, key!, reason, decide);
    }
}
