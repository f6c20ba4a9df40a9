using Marten;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;

namespace MembershipLedger.Memberships;

/// <summary>Finds the group's members whose names look like a new one, so a sign-up under a look-alike spelling is flagged.</summary>
public static class LookAlikes
{
    /// <summary>Names in the group (ever signed, as the ledger knows them now) with the same skeleton as <paramref name="username"/> but another spelling.</summary>
    public static async Task<IReadOnlyList<string>> AmongMembersAsync(IQuerySession session, string groupId, string username, CancellationToken ct)
    {
        var skeleton = Usernames.Skeleton(username);
        var names = await session.AdvancedSql.QueryAsync<string>(
            $"select distinct username from {LedgerSchema.MembershipIntervals} where group_id = ? and upper_inf(known_during)", ct, groupId);
        return names.Where(n => n != username && Usernames.Skeleton(n) == skeleton).Order(StringComparer.Ordinal).ToList();
    }
}
