using MembershipLedger.Interchange;
using System.Security.Cryptography;
using JasperFx.Events;
using Marten;
using Marten.Services;
using MembershipLedger.Activities;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace MembershipLedger.People;

/// <summary>Who asked for an erasure, through what, and why (required).</summary>
public sealed record ErasureRequest(string Username, string Reason, string RecordedBy, string Source, string CorrelationId);

/// <summary>What an erasure did.</summary>
public sealed record ErasureReport(Guid ErasureId, string Pseudonym, IReadOnlyList<string> GroupIds, int EventsMasked, int StreamsRenamed);

/// <summary>
/// Erases a person's personal data on request. Their contact details are blanked by the masking rule registered with
/// Marten's event data masking (which an operator can also run by hand with <c>ApplyEventDataMasking</c>), and their
/// account name is replaced by a pseudonym in every event that names them and in their streams' keys.
/// <para>
/// The rewrite goes through Marten's own primitive for it, <c>OverwriteEvent</c>, in one session of ours rather than
/// <c>ApplyEventDataMasking</c>'s session: Marten plans a session's appends before its listeners run, so only a session
/// of our own can rewrite the events, rename the streams, append <see cref="PersonalDataErased"/> and record the event
/// chain's amendments in a single transaction. Either all of it lands or none does. The projections are then rebuilt
/// from the masked events; rosters keep counting the person, under the pseudonym, at every date.
/// </para>
/// </summary>
public static class Erasure
{
    /// <summary>The stream of erasure records. A group id never contains a colon, and "ledger" is reserved.</summary>
    public const string StreamKey = "ledger:erasures";

    /// <summary>Marks each rewritten event with the erasure that rewrote it.</summary>
    public const string HeaderName = "erasure-id";

    /// <summary>Contact details with the personal fields blanked: the rule registered with Marten's masking.</summary>
    public static ContactDetailsRecorded Blank(ContactDetailsRecorded e) => e with { RealName = null, Email = null, Handles = [] };

    public static void AddErasure(this StoreOptions options) =>
        options.Events.AddMaskingRuleForProtectedInformation<ContactDetailsRecorded>(Blank);

    /// <summary>An event's data with personal fields blanked and every name <paramref name="rename"/> knows replaced.</summary>
    public static object Mask(object data, Func<string, string> rename) => data switch
    {
        ContactDetailsRecorded e => Blank(e) with { Username = rename(e.Username) },
        MemberSignedUp e => e with { Username = rename(e.Username) },
        MemberWithdrew e => e with { Username = rename(e.Username) },
        MemberRemoved e => e with { Username = rename(e.Username) },
        SignUpRetracted e => e with { Username = rename(e.Username) },
        SignatureTimeCorrected e => e with { Username = rename(e.Username) },
        RoleDesignated e => e with { Username = rename(e.Username) },
        RoleEnded e => e with { Username = rename(e.Username) },
        AccountRenamed e => e with { FormerName = rename(e.FormerName), NewName = rename(e.NewName) },
        ActivitySignUpRecorded e => e with { Username = rename(e.Username) },
        ParticipationRecorded e => e with { Username = rename(e.Username) },
        ActivityPlanned e => e with { Details = e.Details with { Organizers = e.Details.Organizers.Select(rename).ToList() } },
        ActivityDetailsChanged e => e with { Details = e.Details with { Organizers = e.Details.Organizers.Select(rename).ToList() } },
        // Capacities are personal data through and through: nothing of them is kept, so the directory no longer lists the person.
        Governance.CapacitiesDeclared e => e with { Username = rename(e.Username), Languages = [], Skills = [], Tags = [], WouldMentor = false, Published = false },
        Governance.CapacitiesWithdrawn e => e with { Username = rename(e.Username) },
        Governance.AffiliationStatementIssued e => e with { Username = rename(e.Username) },
        Governance.AffiliationStatementRevoked e => e with { Username = rename(e.Username) },
        _ => data,
    };

    /// <summary>Erases the person's data, or returns null when the ledger has no record naming them.</summary>
    /// <param name="progress">The rebuild inside the erasure's transaction (seconds on a large ledger, appends waiting meanwhile).</param>
    public static async Task<ErasureReport?> EraseAsync(
        IDocumentStore store, ErasureRequest request, CancellationToken ct = default, IProgress<ImportProgress>? progress = null)
    {
        // One transaction: the rewrite, the erasure's event and the projections rebuilt without the name commit together,
        // so no crash leaves the name in a projection after its events were masked.
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
        // Appends wait from here (the rebuild below needs it too), and every event is sealed before any is rewritten: the
        // chain keeps the hash each had as appended, and the amendment below names the erasure that changed it.
        await EventChain.LockAppendsAsync(connection, tx, ct);
        await EventChain.SealWithinAsync(connection, tx, ct);
        var names = new HashSet<string>(StringComparer.Ordinal) { request.Username };
        // A renamed person's events carry every name they had: follow the renames both ways.
        foreach (var rename in await session.Events.QueryRawEventDataOnly<AccountRenamed>().ToListAsync(ct))
            if (names.Contains(rename.NewName) || names.Contains(rename.FormerName)) names.UnionWith([rename.NewName, rename.FormerName]);

        var found = await FindAsync(store, names, ct);
        if (found.Count == 0) return null;

        var id = Guid.NewGuid();
        var pseudonym = $"Erased-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        string Rename(string name) => names.Contains(name) ? pseudonym : name;
        var streams = found.Select(f => f.Stream).Where(s => Affiliation.IsAffiliationKey(s) && names.Contains(Affiliation.NameOf(s))).Distinct().ToList();
        var groups = found.Select(f => f.Group).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var sequences = found.Select(f => f.Sequence).ToArray();

        foreach (var e in await session.Events.QueryAllRawEvents().Where(e => e.Sequence.IsOneOf(sequences)).ToListAsync(ct))
        {
            e.GetType().GetProperty(nameof(IEvent.Data))!.SetValue(e, Mask(e.Data, Rename));
            e.SetHeader(HeaderName, id.ToString());
            session.Events.OverwriteEvent(e);
        }
        foreach (var stream in streams)
        {
            var renamed = Affiliation.StreamKey(Affiliation.GroupOf(stream), pseudonym);
            // Events point at their stream row: add the row under its new key, move the events, drop the old row.
            session.QueueSql(
                $"""
                 insert into {LedgerSchema.Name}.mt_streams
                 select (jsonb_populate_record(s, jsonb_build_object('id', ?::text))).* from {LedgerSchema.Name}.mt_streams s where s.id = ?
                 """, renamed, stream);
            session.QueueSql($"update {LedgerSchema.Name}.mt_events set stream_id = ? where stream_id = ?", renamed, stream);
            session.QueueSql($"delete from {LedgerSchema.Name}.mt_streams where id = ?", stream);
        }
        // The names' rename records are a projection (AccountNameProjection): the rebuild below writes them from the
        // rewritten events, under the pseudonym.

        session.LastModifiedBy = request.RecordedBy;
        session.CorrelationId = request.CorrelationId;
        session.SetHeader(EventMetadata.Source, request.Source);
        session.SetHeader(EventMetadata.Reason, request.Reason);
        session.Events.Append(StreamKey, new PersonalDataErased(id, pseudonym, groups, sequences.Length));
        session.QueueSql(EventChain.AmendSql, id, sequences);
        await session.SaveChangesAsync(ct);

        await LedgerProjections.RebuildAsync(store, tx, progress, ct);
        await tx.CommitAsync(ct);
        return new ErasureReport(id, pseudonym, groups, sequences.Length, streams.Count);
    }

    private sealed record Found(long Sequence, string Stream, string? Group);

    /// <summary>Every event that names one of <paramref name="names"/>: in its username fields, or among an activity's organizers.</summary>
    private static async Task<List<Found>> FindAsync(IDocumentStore store, IReadOnlySet<string> names, CancellationToken ct)
    {
        await using var connection = await LedgerStore.OpenConnectionAsync(store, ct);
        await using var command = new NpgsqlCommand(
            $"""
             select seq_id, stream_id, data ->> 'groupId' from {LedgerSchema.Name}.mt_events
             where data ->> 'username' = any(@names) or data ->> 'formerName' = any(@names) or data ->> 'newName' = any(@names)
                or (data -> 'details' -> 'organizers') ?| @names
             order by seq_id
             """, connection);
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = names.ToArray() });
        var found = new List<Found>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(new Found(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return found;
    }
}
