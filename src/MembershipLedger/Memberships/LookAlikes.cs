using Marten;
using MembershipLedger.Ledger;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Memberships;

/// <summary>Finds the group's members whose names look like a new one, so a sign-up under a look-alike spelling is flagged.</summary>
public static class LookAlikes
{
    /// <summary>Names in the group (ever signed, as the ledger knows them now) with the same skeleton as <paramref name="username"/> but another spelling.</summary>
    public static async Task<IReadOnlyList<string>> AmongMembersAsync(IQuerySession session, string groupId, string username, CancellationToken ct)
    {
        var skeleton = Usernames.Skeleton(username);
        await using var connection = await LedgerStore.OpenConnectionAsync(session.DocumentStore, ct);
        await using var command = new NpgsqlCommand(
            $"select distinct username from {LedgerSchema.MembershipIntervals} where {Roster.RosterProjection.OfGroup("$1")} and upper_inf(known_during)", connection)
        {
            Parameters = { new() { Value = groupId } },
        };
        var alike = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (reader.GetString(0) is var name && name != username && Usernames.Skeleton(name) == skeleton) alike.Add(name);
        return alike.Order(StringComparer.Ordinal).ToList();
    }
}
