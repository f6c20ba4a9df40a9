using MembershipLedger.Groups;

namespace MembershipLedger.People;

/// <summary>
/// An event as the public may read it, for the projections that serve public reads (history, timelines): contact
/// details say that they were recorded, never what they are; a group's e-mail channels are left out. Admins, auditors
/// and the group's organizers read the personal data from the member's record and the group's profile.
/// </summary>
public static class PublicForm
{
    public static object Of(object data) => data switch
    {
        ContactDetailsRecorded c => new
        {
            c.GroupId, c.Username, RealName = c.RealName is null ? null : "(personal data)", Email = c.Email is null ? null : "(personal data)",
            Handles = c.Handles.Count,
        },
        // Capacities are personal data even when published: the directory shows the published ones; a history never does.
        Governance.CapacitiesDeclared c => new { c.GroupId, c.Username, Declared = "(personal data)" },
        GroupRegistered g => g with { Profile = g.Profile.Public() },
        GroupProfileChanged g => g with { Profile = g.Profile.Public() },
        _ => data,
    };
}
