using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Activities;

/// <summary>Record a signature on the activity's interested list; <paramref name="SignedAt"/> null when undated.</summary>
public sealed record SignUpForActivity(string Username, Instant? SignedAt);

/// <summary>Record a part someone played at the activity.</summary>
public sealed record RecordParticipation(string Username, ParticipationPart Part, string? Note, LocalDate? On);

/// <summary>The decisions about who came and what they did.</summary>
public static class Participating
{
    public const int MaxNoteLength = 500;

    public static Decision SignUp(SignUpForActivity command, Activity activity, Instant now)
    {
        if (activity.Status == ActivityStatus.Cancelled) return Planning.Cancelled(activity);
        if (command.SignedAt is { } at && Plausibility.Check("signedAt", at, now) is { } implausible) return implausible;
        if (activity.SignUps.Any(s => s.Username == command.Username))
            return LedgerProblem.Rule("already-signed-up", $"{command.Username} already signed the list of '{activity.Id}'.");
        return Decision.Accept(new ActivitySignUpRecorded(activity.Id, command.Username, command.SignedAt));
    }

    public static Decision Record(RecordParticipation command, Activity activity)
    {
        if (activity.Status == ActivityStatus.Cancelled) return Planning.Cancelled(activity);
        if (activity.Status == ActivityStatus.Planned)
            return LedgerProblem.Rule("not-held", $"'{activity.Id}' is not recorded as held yet; record that first.");
        if (command.On is { } on && (on < activity.Details.StartsOn.FirstDay || on > activity.Details.EndsOn.LastDay))
            return LedgerProblem.Field("on", $"{on} is outside the activity's days ({activity.Details.StartsOn} to {activity.Details.EndsOn}).");
        if (command.Note is { Length: > MaxNoteLength }) return LedgerProblem.Field("note", $"must be at most {MaxNoteLength} characters.");
        if (activity.Participation.Contains(new Participation(command.Username, command.Part, command.Note, command.On)))
            return LedgerProblem.Rule("already-recorded", "This part is already recorded.");
        return Decision.Accept(new ParticipationRecorded(activity.Id, command.Username, command.Part, command.Note, command.On));
    }

    public static Decision Count(int count, Activity activity)
    {
        if (activity.Status is ActivityStatus.Planned or ActivityStatus.Cancelled)
            return LedgerProblem.Rule("not-held", $"'{activity.Id}' is not recorded as held; a head count comes after it.");
        if (count < 0) return LedgerProblem.Field("count", "must not be negative.");
        if (count == activity.UnnamedParticipants) return LedgerProblem.Rule("nothing-changed", $"The count is already {count}.");
        return Decision.Accept(new UnnamedParticipantsCounted(activity.Id, count));
    }
}
