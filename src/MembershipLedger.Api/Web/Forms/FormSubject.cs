using MembershipLedger.Activities;
using MembershipLedger.Api.Groups;
using MembershipLedger.Grants;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.People;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>
/// What a form is about, loaded from the values in its address: the group (whose zone reads the dates typed), the
/// activity or grant, the member; the groups that own it (who may write), and the stream its write goes to (what
/// changed there since the form was opened, when the write is refused as stale).
/// </summary>
public sealed record FormSubject(
    SubjectKind Kind, string Title, string BackLink, IReadOnlyList<string> Groups, DateTimeZone Zone, IReadOnlyDictionary<string, string> Values,
    string? StreamKey, long Version, GroupProfile? Group = null, Activity? Activity = null, Grant? Grant = null)
{
    /// <summary>The values the address may give: the route values of the ledger's writes.</summary>
    public static readonly IReadOnlyList<string> Keys = ["groupId", "username", "assignmentId", "activityId", "grantId", "expenseId", "lineId"];

    /// <summary>The subject, or the sentence saying which record the address names that the ledger does not know.</summary>
    public static async Task<(FormSubject? Subject, string? Unknown)> LoadAsync(SubjectKind kind, IReadOnlyDictionary<string, string> values,
        IQuerySession session, CancellationToken ct)
    {
        string? Value(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        async Task<(GroupProfile?, string?)> GroupAsync()
        {
            if (Value("groupId") is not { } id) return (null, "The address names no group (groupId).");
            return await GroupProfiles.LoadAsync(session, id, ct) is { } group ? (group, null) : (null, $"No group with the id '{id}' is registered.");
        }

        switch (kind)
        {
            case SubjectKind.Ledger:
                return (new FormSubject(kind, "the ledger", "/", [], DateTimeZone.Utc, values, null, 0), null);
            case SubjectKind.Person:
                if (Value("username") is not { } person) return (null, "The address names no person (username).");
                return (new FormSubject(kind, person, Show.PersonLink(person), [], DateTimeZone.Utc, values, null, 0), null);
            case SubjectKind.Group or SubjectKind.Member or SubjectKind.Role:
            {
                var (group, unknown) = await GroupAsync();
                if (group is null) return (null, unknown);
                var title = group.Profile.Name;
                string? stream = group.Id;
                long version = group.Version;
                if (kind is SubjectKind.Member or SubjectKind.Role && Value("username") is { } username)
                {
                    title = $"{Usernames.Normalize(username)} in {group.Profile.Name}";
                    var (key, _) = await Accounts.StreamKeyAsync(session, group.Id, Usernames.Normalize(username), ct);
                    stream = key;
                    version = key is null ? 0 : (await session.Events.FetchStreamStateAsync(key, ct))?.Version ?? 0;
                }
                return (new FormSubject(kind, title, Show.GroupLink(group.Id), [group.Id], group.Profile.TimeZone, values, stream, version, Group: group), null);
            }
            case SubjectKind.Activity:
            {
                if (Value("activityId") is not { } id) return (null, "The address names no activity (activityId).");
                if (await session.LoadAsync<Activity>(id, ct) is not { } activity) return (null, $"No activity with the id '{id}' is recorded.");
                var group = await GroupProfiles.LoadAsync(session, activity.Details.GroupIds[0], ct);
                return (new FormSubject(kind, activity.Details.Title, Show.GroupLink(activity.Details.GroupIds[0]), activity.Details.GroupIds,
                    activity.Details.TimeZone, values, activity.Id, activity.Version, Group: group, Activity: activity), null);
            }
            case SubjectKind.Grant or SubjectKind.Expense:
            {
                if (Value("grantId") is not { } id) return (null, "The address names no grant (grantId).");
                if (await session.LoadAsync<Grant>(id, ct) is not { } grant) return (null, $"No grant with the id '{id}' is recorded.");
                var group = await GroupProfiles.LoadAsync(session, grant.GroupId, ct);
                return (new FormSubject(kind, $"the {grant.Program} grant {grant.Id}", $"/web/grants/{Uri.EscapeDataString(grant.Id)}", [grant.GroupId],
                    group?.Profile.TimeZone ?? DateTimeZone.Utc, values, grant.Id, grant.Version, Group: group, Grant: grant), null);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
