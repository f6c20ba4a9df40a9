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

    // The last event serialized on this thread: a rebuild hands the history and the timeline the same event one after
    // the other, so one entry is the whole cache (a table of every event was slower than serializing twice).
    [ThreadStatic] private static (object Data, string Json)? _last;

    /// <summary><see cref="Of"/> as the JSON the history and the timeline store, serialized once for both in a rebuild.</summary>
    public static string JsonOf(object data)
    {
        if (_last is var (last, json) && ReferenceEquals(last, data)) return json;
        json = System.Text.Json.JsonSerializer.Serialize(Of(data), Storage.Json.Options);
        _last = (data, json);
        return json;
    }
}
