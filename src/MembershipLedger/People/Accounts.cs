using Marten;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.People;

/// <summary>
/// An account name the ledger has seen renamed. Affiliation streams are keyed by the name the person first had; a
/// rename keeps their history in those streams and records here which name now writes to them.
/// </summary>
/// <param name="Id">An account name, current or former.</param>
/// <param name="StreamName">For the current name: the name in the keys of the person's streams.</param>
/// <param name="RenamedTo">For a former name: the name it became.</param>
public sealed record AccountName(string Id, string StreamName, string? RenamedTo);

/// <summary>
/// Keeps the <see cref="AccountName"/> documents inline with the renames, so a ledger imported from an export, or rebuilt,
/// still refuses writes under a former name and finds the person's streams under the new one.
/// </summary>
public sealed partial class AccountNameProjection : Marten.Events.Projections.EventProjection, Storage.IWritesDocuments
{
    public IEnumerable<Type> Documents => [typeof(AccountName)];

    public AccountNameProjection()
    {
        Name = "account-names";
        IncludeType<AccountRenamed>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, JasperFx.Events.IEvent e, CancellationToken cancellation)
    {
        if (e.Data is AccountRenamed r)
        {
            // The stream is "group:name" under the name the person had when their history began; it keeps that key.
            var streamName = Affiliation.NameOf(e.StreamKey!);
            operations.Store(new AccountName(r.NewName, streamName, null), new AccountName(r.FormerName, streamName, r.NewName));
        }
        return ValueTask.CompletedTask;
    }
}

public static class Accounts
{
    /// <summary>The name in the keys of <paramref name="username"/>'s streams, or why that name writes nothing any more.</summary>
    public static async Task<(string? StreamName, LedgerProblem? Problem)> StreamNameAsync(IQuerySession session, string username, CancellationToken ct) =>
        StreamNameOf(username, await session.LoadAsync<AccountName>(username, ct));

    /// <summary>The same, from the name's <see cref="AccountName"/> as loaded (null: a name never renamed).</summary>
    public static (string? StreamName, LedgerProblem? Problem) StreamNameOf(string username, AccountName? account) =>
        account?.RenamedTo is { } renamed
            ? (null, LedgerProblem.Rule("account-renamed", $"{username} was renamed to {renamed}; the history continues under the new name."))
            : (account?.StreamName ?? username, null);

    /// <summary>The key of the stream holding <paramref name="username"/>'s affiliation with the group, or why there is none to write.</summary>
    public static async Task<(string? StreamKey, LedgerProblem? Problem)> StreamKeyAsync(
        IQuerySession session, string groupId, string username, CancellationToken ct)
    {
        var (name, renamed) = await StreamNameAsync(session, username, ct);
        return renamed is null ? (Affiliation.StreamKey(groupId, name!), null) : (null, renamed);
    }

    /// <summary>The affiliation streams whose key holds <paramref name="streamName"/>, in every group.</summary>
    public static async Task<List<string>> AffiliationStreamsAsync(NpgsqlDataSource db, string streamName, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select id from {LedgerSchema.Name}.mt_streams where position(':' in id) > 0 and substring(id from position(':' in id) + 1) = $1 order by id");
        command.Parameters.AddWithValue(streamName);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));
        return keys;
    }
}
