using JasperFx.Events.Projections;
using Marten;

namespace MembershipLedger.Activities;

public static class Configuration
{
    public static void AddActivities(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<ActivityPlanned>("activity-planned");
        options.Events.MapEventType<ActivityDetailsChanged>("activity-details-changed");
        options.Events.MapEventType<ActivityHeld>("activity-held");
        options.Events.MapEventType<ActivityCancelled>("activity-cancelled");
        options.Events.MapEventType<ActivityReported>("activity-reported");
        options.Events.MapEventType<ActivitySignUpRecorded>("activity-sign-up-recorded");
        options.Events.MapEventType<ParticipationRecorded>("participation-recorded");
        options.Events.MapEventType<UnnamedParticipantsCounted>("unnamed-participants-counted");

        // Inline snapshot: an activity's lists are short, and reads see the last write.
        options.Projections.Snapshot<Activity>(SnapshotLifecycle.Inline);
    }
}
