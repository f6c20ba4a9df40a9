using JasperFx.Events.Projections;
using Marten;
using MembershipLedger.Memberships.History;
using MembershipLedger.Memberships.Roster;

namespace MembershipLedger.Memberships;

public static class Configuration
{
    public static void AddMemberships(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<MemberSignedUp>("member-signed-up");
        options.Events.MapEventType<MemberWithdrew>("member-withdrew");
        options.Events.MapEventType<MemberRemoved>("member-removed");
        options.Events.MapEventType<SignUpRetracted>("sign-up-retracted");
        options.Events.MapEventType<SignatureTimeCorrected>("signature-time-corrected");
        options.Events.MapEventType<RoleDesignated>("role-designated");
        options.Events.MapEventType<RoleEnded>("role-ended");

        // Decisions read the affiliation live from its short stream; reads go to the projections.
        options.Projections.LiveStreamAggregation<Affiliation>();

        // Inline: a roster read right after a write already sees it. The history is an audit view, read later:
        // asynchronous, run by the daemon on one node of the cluster (a read of it says when it is behind).
        options.Projections.Add(new RosterProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new HistoryProjection(), ProjectionLifecycle.Async);
    }
}
