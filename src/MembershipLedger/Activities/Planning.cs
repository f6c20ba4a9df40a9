using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Activities;

/// <summary>Put an activity on the ledger; <paramref name="AlreadyHeld"/> when it is recorded after the fact.</summary>
public sealed record PlanActivity(string ActivityId, ActivityDetails Details, bool AlreadyHeld);

/// <summary>The lifecycle decisions: planned, then held, then reported; or cancelled instead of held.</summary>
public static class Planning
{
    public const int MaxGroups = 20;

    /// <param name="today">Today in the activity's zone: an activity cannot have been held before it starts.</param>
    public static Decision Plan(PlanActivity command, Activity? existing, LocalDate today)
    {
        if (existing is not null) return LedgerProblem.Rule("activity-exists", $"An activity '{command.ActivityId}' is already recorded.");
        if (Check(command.Details) is { } invalid) return invalid;
        var planned = new ActivityPlanned(command.ActivityId, command.Details);
        if (!command.AlreadyHeld) return Decision.Accept(planned);
        if (command.Details.StartsOn.FirstDay > today) return NotStarted(command.Details);
        return Decision.Accept(planned, new ActivityHeld(command.ActivityId));
    }

    public static Decision Change(ActivityDetails details, Activity activity)
    {
        if (Check(details) is { } invalid) return invalid;
        var changed = Differences(activity.Details, details);
        if (changed.Count == 0) return LedgerProblem.Rule("nothing-changed", "The activity already reads exactly so.");
        return Decision.Accept(new ActivityDetailsChanged(activity.Id, details, changed));
    }

    public static Decision Hold(Activity activity, LocalDate today) => activity.Status switch
    {
        ActivityStatus.Planned when activity.Details.StartsOn.FirstDay > today => NotStarted(activity.Details),
        ActivityStatus.Planned => Decision.Accept(new ActivityHeld(activity.Id)),
        ActivityStatus.Cancelled => Cancelled(activity),
        _ => LedgerProblem.Rule("already-held", $"'{activity.Id}' is already recorded as held."),
    };

    public static Decision Cancel(Activity activity, string? reason)
    {
        if (Plausibility.RequireReason(reason, "a cancellation") is { } noReason) return noReason;
        return activity.Status switch
        {
            ActivityStatus.Planned => Decision.Accept(new ActivityCancelled(activity.Id)),
            ActivityStatus.Cancelled => Cancelled(activity),
            _ => LedgerProblem.Rule("already-held", $"'{activity.Id}' took place; it cannot be cancelled afterwards."),
        };
    }

    public static Decision Report(Outcomes outcomes, Activity activity) => activity.Status switch
    {
        ActivityStatus.Planned => LedgerProblem.Rule("not-held", $"'{activity.Id}' is not recorded as held yet; record that first."),
        ActivityStatus.Cancelled => Cancelled(activity),
        _ when outcomes == activity.Outcomes => LedgerProblem.Rule("nothing-changed", "This report is already recorded."),
        _ => Decision.Accept(new ActivityReported(activity.Id, outcomes)),
    };

    private static LedgerProblem? Check(ActivityDetails details)
    {
        if (details.GroupIds.Count == 0) return LedgerProblem.Field("groups", "An activity belongs to at least one group.");
        if (details.GroupIds.Count > MaxGroups) return LedgerProblem.Field("groups", $"At most {MaxGroups} groups.");
        if (details.GroupIds.Distinct(StringComparer.Ordinal).Count() != details.GroupIds.Count)
            return LedgerProblem.Field("groups", "A group is listed twice.");
        if (details.EndsOn.LastDay < details.StartsOn.FirstDay)
            return LedgerProblem.Field("endsOn", $"The activity ends ({details.EndsOn}) before it starts ({details.StartsOn}).");
        if (Period.Between(details.StartsOn.FirstDay, details.EndsOn.LastDay, PeriodUnits.Days).Days > 366)
            return LedgerProblem.Field("endsOn", "An activity spans at most a year; record a longer campaign as several.");
        if (details.StartsOn.LastDay < Plausibility.Earliest.InUtc().Date)
            return LedgerProblem.Field("startsOn", $"{details.StartsOn} predates Wikipedia; check the year.");
        return null;
    }

    private static IReadOnlyList<string> Differences(ActivityDetails before, ActivityDetails after)
    {
        var changed = new List<string>();
        if (!before.GroupIds.SequenceEqual(after.GroupIds)) changed.Add("groups");
        if (before.Kind != after.Kind) changed.Add("kind");
        if (before.Title != after.Title) changed.Add("title");
        if (before.StartsOn != after.StartsOn) changed.Add("startsOn");
        if (before.EndsOn != after.EndsOn) changed.Add("endsOn");
        if (before.TimeZone.Id != after.TimeZone.Id) changed.Add("timeZone");
        if (before.Place != after.Place) changed.Add("place");
        if (!before.Organizers.SequenceEqual(after.Organizers)) changed.Add("organizers");
        return changed;
    }

    private static LedgerProblem NotStarted(ActivityDetails details) =>
        LedgerProblem.Rule("not-started-yet", $"The activity starts on {details.StartsOn}; it cannot have been held yet.");

    internal static LedgerProblem Cancelled(Activity activity) =>
        LedgerProblem.Rule("activity-cancelled", $"'{activity.Id}' was cancelled.");
}
