using JasperFx.Events.Projections;
using Marten;

namespace MembershipLedger.Groups;

public static class Configuration
{
    public static void AddGroups(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<GroupRegistered>("group-registered");
        options.Events.MapEventType<GroupProfileChanged>("group-profile-changed");

        // Inline, so GET /groups reads what the last write wrote.
        options.Projections.Snapshot<GroupProfile>(SnapshotLifecycle.Inline);
    }
}
