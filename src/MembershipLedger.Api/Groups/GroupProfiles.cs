using MembershipLedger.Groups;

namespace MembershipLedger.Api.Groups;

/// <summary>The group a route or a stream names, as every feature looks it up: by its slug, and its calendar.</summary>
public static class GroupProfiles
{
    public static async Task<GroupProfile?> LoadAsync(IQuerySession session, string groupId, CancellationToken ct) =>
        GroupEndpoints.IsGroupId(groupId) ? await session.LoadAsync<GroupProfile>(groupId, ct) : null;

    /// <summary>Dates a user leaves out mean today, in the group's zone.</summary>
    public static LocalDate Today(GroupProfile group, IClock clock) => clock.GetCurrentInstant().InZone(group.Profile.TimeZone).Date;

    public static async Task<LocalDate> TodayAsync(IQuerySession session, string groupId, IClock clock, CancellationToken ct) =>
        Today((await session.LoadAsync<GroupProfile>(groupId, ct))!, clock);
}
