using Marten;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using Marten.Services.BatchQuerying;

namespace MembershipLedger.Memberships;

/// <summary>Finds the group's members whose names look like a new one, so a sign-up under a look-alike spelling is flagged.</summary>
public static class LookAlikes
{
    // The names are found by their skeleton, through an index: a large group costs what a small one does.
    private const string Sql =
        $"select distinct username from {LedgerSchema.MembershipIntervals} where group_id = ? and skeleton = ? and upper_inf(known_during) and username <> ?";

    /// <summary>Names in the group (ever signed, as the ledger knows them now) with the same skeleton as <paramref name="username"/> but another spelling.</summary>
    public static async Task<IReadOnlyList<string>> AmongMembersAsync(IQuerySession session, string groupId, string username, CancellationToken ct) =>
        Sorted(await session.QueryAsync<string>(Sql, ct, groupId, Usernames.Skeleton(username), username));

    /// <summary>The same, read in <paramref name="batch"/>'s round trip.</summary>
    public static async Task<IReadOnlyList<string>> AmongMembers(IBatchedQuery batch, string groupId, string username) =>
        Sorted(await batch.Query<string>(Sql, groupId, Usernames.Skeleton(username), username));

    private static IReadOnlyList<string> Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();
}
