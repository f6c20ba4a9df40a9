namespace MembershipLedger.Memberships.Roster;

/// <summary>
/// What changed between two rosters of one group: who joined, who left, which roles began or ended. Undated members
/// count as members on both dates (they are on the list, not placed in time), so they never appear as joining.
/// </summary>
public sealed record RosterComparison(
    Roster From, Roster To,
    IReadOnlyList<RosterMember> Joined, IReadOnlyList<RosterMember> Left,
    IReadOnlyList<RosterRole> RolesBegan, IReadOnlyList<RosterRole> RolesEnded)
{
    public static RosterComparison Between(Roster from, Roster to)
    {
        var before = from.Members.Concat(from.Undated).ToDictionary(m => m.Username, StringComparer.Ordinal);
        var after = to.Members.Concat(to.Undated).ToDictionary(m => m.Username, StringComparer.Ordinal);
        var rolesBefore = from.Roles.Select(r => r.AssignmentId).ToHashSet();
        var rolesAfter = to.Roles.Select(r => r.AssignmentId).ToHashSet();
        return new RosterComparison(from, to,
            to.Members.Concat(to.Undated).Where(m => !before.ContainsKey(m.Username)).ToList(),
            from.Members.Concat(from.Undated).Where(m => !after.ContainsKey(m.Username)).ToList(),
            to.Roles.Where(r => !rolesBefore.Contains(r.AssignmentId)).ToList(),
            from.Roles.Where(r => !rolesAfter.Contains(r.AssignmentId)).ToList());
    }
}
