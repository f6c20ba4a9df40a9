using Marten;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;

namespace MembershipLedger.People;

/// <summary>
/// An account name the ledger has seen renamed. Affiliation streams are keyed by the name the person first had; a
/// rename keeps their history in those streams and records here which name now writes to them.
/// </summary>
/// <param name="Id">An account name, current or former.</param>
/// <param name="StreamName">For the current name: the name in the keys of the person's streams.</param>
/// <param name="RenamedTo">For a former name: the name it became.</param>
public sealed record AccountName(string Id, string StreamName, string? RenamedTo);

public static class Accounts
{
    /// <summary>The key of the stream holding <paramref name="username"/>'s affiliation with the group, or why there is none to write.</summary>
    public static async Task<(string? StreamKey, LedgerProblem? Problem)> StreamKeyAsync(
        IQuerySession session, string groupId, string username, CancellationToken ct)
    {
        var account = await session.LoadAsync<AccountName>(username, ct);
        if (account?.RenamedTo is { } renamed)
            return (null, LedgerProblem.Rule("account-renamed", $"{username} was renamed to {renamed}; the history continues under the new name."));
        return (Affiliation.StreamKey(groupId, account?.StreamName ?? username), null);
    }
}
