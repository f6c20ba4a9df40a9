using System.Collections.Immutable;
using System.Text.Json.Serialization;
using JasperFx.Events;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Governance;

// The events of a group's recognition by the Wikimedia movement, on the group's own stream beside its profile: each
// names the day it took effect (the world's time); when the ledger learned it is the event's recording time. Who
// recorded each and why travel as metadata, as everywhere in the ledger.

/// <summary>The group applied to be recognized as an affiliate.</summary>
/// <param name="Link">The application, e.g. its Meta-Wiki page.</param>
public sealed record RecognitionApplied(string GroupId, LocalDate AppliedOn, string? Link);

/// <summary>The Affiliations Committee approved the group provisionally: a trial period before recognition.</summary>
public sealed record ProvisionallyApproved(string GroupId, LocalDate ApprovedOn, LocalDate? TrialEndsOn);

/// <summary>The group was recognized as an affiliate.</summary>
public sealed record GroupRecognized(string GroupId, LocalDate RecognizedOn);

/// <summary>An agreement with the Wikimedia Foundation was signed (the first one, or a renewal), in force until <paramref name="EndsOn"/>.</summary>
public sealed record AgreementSigned(string GroupId, LocalDate SignedOn, LocalDate EndsOn, bool Renewal, string? Link);

/// <summary>A report was submitted: its kind (activity, financial…), the period it covers, the day it was submitted and where it is.</summary>
public sealed record ReportSubmitted(string GroupId, string Kind, LocalDate PeriodStart, LocalDate PeriodEnd, LocalDate SubmittedOn, string? Link);

/// <summary>The group's recognition was suspended; the reason is in the metadata.</summary>
public sealed record RecognitionSuspended(string GroupId, LocalDate SuspendedOn);

/// <summary>A suspended group's recognition was reinstated.</summary>
public sealed record RecognitionReinstated(string GroupId, LocalDate ReinstatedOn);

/// <summary>The group was derecognized: it is no longer an affiliate.</summary>
public sealed record GroupDerecognized(string GroupId, LocalDate DerecognizedOn);

/// <summary>Where a group stands in its recognition on a day.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecognitionStatus>))]
public enum RecognitionStatus
{
    [JsonStringEnumMemberName("not-applied")] NotApplied,
    [JsonStringEnumMemberName("applied")] Applied,
    [JsonStringEnumMemberName("provisional")] Provisional,
    [JsonStringEnumMemberName("recognized")] Recognized,
    [JsonStringEnumMemberName("suspended")] Suspended,
    [JsonStringEnumMemberName("derecognized")] Derecognized,
}

/// <summary>One step of a group's recognition, by the day it took effect.</summary>
public sealed record RecognitionStep(LocalDate On, RecognitionStatus Status, string Event);

/// <summary>An agreement's span: in force from the day it was signed to the day it ends, both included.</summary>
public sealed record Agreement(LocalDate SignedOn, LocalDate EndsOn, bool Renewal, string? Link)
{
    public bool InForceOn(LocalDate day) => SignedOn <= day && day <= EndsOn;
}

/// <summary>A report as submitted.</summary>
public sealed record SubmittedReport(string Kind, LocalDate PeriodStart, LocalDate PeriodEnd, LocalDate SubmittedOn, string? Link);

/// <summary>
/// A group's standing as far as recognition goes: its steps, agreements and reports, folded from whichever of its events
/// are given (all of them, or those recorded by a moment, for "as known then"). The decisions read it live from the
/// group's stream; compliance reads it from the events known at the moment asked.
/// </summary>
public sealed partial record GroupStanding(
    string GroupId, GroupKind Kind, ImmutableList<RecognitionStep> Steps, ImmutableList<Agreement> Agreements, ImmutableList<SubmittedReport> Reports)
    : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];

    /// <summary>The group's stream key, which Marten's aggregation sets on every aggregate it builds.</summary>
    public string Id { get; set; } = "";

    public static GroupStanding Create(IEvent<GroupRegistered> e) => new(e.Data.GroupId, e.Data.Profile.Kind, [], [], []);

    public GroupStanding Apply(GroupProfileChanged e) => this with { Kind = e.Profile.Kind };
    public GroupStanding Apply(RecognitionApplied e) => Step(e.AppliedOn, RecognitionStatus.Applied, "recognition-applied");
    public GroupStanding Apply(ProvisionallyApproved e) => Step(e.ApprovedOn, RecognitionStatus.Provisional, "provisionally-approved");
    public GroupStanding Apply(GroupRecognized e) => Step(e.RecognizedOn, RecognitionStatus.Recognized, "group-recognized");
    public GroupStanding Apply(RecognitionSuspended e) => Step(e.SuspendedOn, RecognitionStatus.Suspended, "recognition-suspended");
    public GroupStanding Apply(RecognitionReinstated e) => Step(e.ReinstatedOn, RecognitionStatus.Recognized, "recognition-reinstated");
    public GroupStanding Apply(GroupDerecognized e) => Step(e.DerecognizedOn, RecognitionStatus.Derecognized, "group-derecognized");
    public GroupStanding Apply(AgreementSigned e) => this with { Agreements = Agreements.Add(new Agreement(e.SignedOn, e.EndsOn, e.Renewal, e.Link)) };
    public GroupStanding Apply(ReportSubmitted e) =>
        this with { Reports = Reports.Add(new SubmittedReport(e.Kind, e.PeriodStart, e.PeriodEnd, e.SubmittedOn, e.Link)) };

    // Steps are kept in the order they took effect, whatever order they were recorded in (a late entry of an old decision).
    private GroupStanding Step(LocalDate on, RecognitionStatus status, string recorded) =>
        this with { Steps = [.. Steps.Add(new RecognitionStep(on, status, recorded)).Select((s, i) => (s, i)).OrderBy(p => p.s.On).ThenBy(p => p.i).Select(p => p.s)] };

    /// <summary>The status in effect at the end of <paramref name="day"/>.</summary>
    public RecognitionStatus StatusOn(LocalDate day) => Steps.LastOrDefault(s => s.On <= day)?.Status ?? RecognitionStatus.NotApplied;

    /// <summary>The first day the group was recognized on or before <paramref name="day"/>, if it ever was by then.</summary>
    public LocalDate? RecognizedSince(LocalDate day) => Steps.FirstOrDefault(s => s.Status == RecognitionStatus.Recognized && s.On <= day)?.On;

    /// <summary>The status now: the last step taken, whatever its day.</summary>
    public RecognitionStatus Current => Steps.LastOrDefault()?.Status ?? RecognitionStatus.NotApplied;
}

/// <summary>A step of recognition to record, with the day it took effect.</summary>
public sealed record RecordRecognition(string GroupId, string Step, LocalDate On, LocalDate? TrialEndsOn, string? Link);

/// <summary>An agreement to record.</summary>
public sealed record RecordAgreement(string GroupId, LocalDate SignedOn, LocalDate EndsOn, string? Link);

/// <summary>A report to record.</summary>
public sealed record RecordReport(string GroupId, string Kind, LocalDate PeriodStart, LocalDate PeriodEnd, LocalDate SubmittedOn, string? Link);

/// <summary>The rules of recognition's steps, and of agreements and reports: pure, given the standing and today.</summary>
public static class Recognizing
{
    /// <summary>The steps, by the names the API uses, and the statuses each may follow.</summary>
    public static readonly IReadOnlyDictionary<string, RecognitionStatus[]> Steps = new Dictionary<string, RecognitionStatus[]>
    {
        ["applied"] = [RecognitionStatus.NotApplied, RecognitionStatus.Derecognized],
        ["provisionally-approved"] = [RecognitionStatus.Applied],
        ["recognized"] = [RecognitionStatus.Applied, RecognitionStatus.Provisional],
        ["suspended"] = [RecognitionStatus.Recognized],
        ["reinstated"] = [RecognitionStatus.Suspended],
        ["derecognized"] = [RecognitionStatus.Recognized, RecognitionStatus.Suspended, RecognitionStatus.Provisional],
    };

    public static Decision Record(RecordRecognition command, GroupStanding standing, LocalDate today)
    {
        if (!Steps.TryGetValue(command.Step, out var follows))
            return LedgerProblem.Field("step", $"'{command.Step}' is not a step of recognition: {string.Join(", ", Steps.Keys)}.");
        if (command.On > today) return LedgerProblem.Field("on", $"{command.On:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}): record a step once it is taken.");
        if (command.TrialEndsOn is { } trialEnd && (command.Step != "provisionally-approved" || trialEnd <= command.On))
            return LedgerProblem.Field("trialEndsOn", command.Step != "provisionally-approved"
                ? "belongs to a provisional approval only."
                : "must be after the day of the approval.");
        // The step must follow the status in effect on its day, and no later step may already be recorded after it.
        var before = standing.StatusOn(command.On);
        if (!follows.Contains(before))
            return LedgerProblem.Rule("recognition-out-of-order",
                $"The group was {Describe(before)} on {command.On:yyyy-MM-dd}; '{command.Step}' follows {string.Join(" or ", follows.Select(Describe))} only.");
        if (standing.Steps.LastOrDefault() is { } last && last.On > command.On)
            return LedgerProblem.Rule("recognition-out-of-order",
                $"A later step ({last.Event}, {last.On:yyyy-MM-dd}) is already recorded; a step before it would rewrite what followed. Record the correction as its own step.");
        return Decision.Accept(command.Step switch
        {
            "applied" => new RecognitionApplied(command.GroupId, command.On, command.Link),
            "provisionally-approved" => new ProvisionallyApproved(command.GroupId, command.On, command.TrialEndsOn),
            "recognized" => new GroupRecognized(command.GroupId, command.On),
            "suspended" => new RecognitionSuspended(command.GroupId, command.On),
            "reinstated" => new RecognitionReinstated(command.GroupId, command.On),
            _ => (object)new GroupDerecognized(command.GroupId, command.On),
        });
    }

    public static Decision Sign(RecordAgreement command, GroupStanding standing, LocalDate today)
    {
        if (command.SignedOn > today) return LedgerProblem.Field("signedOn", $"{command.SignedOn:yyyy-MM-dd} is after today: record an agreement once it is signed.");
        if (command.EndsOn <= command.SignedOn) return LedgerProblem.Field("endsOn", "must be after the day it was signed.");
        if (standing.Agreements.Any(a => a.SignedOn == command.SignedOn && a.EndsOn == command.EndsOn)) return Decision.Accept();
        var renewal = standing.Agreements.Any(a => a.SignedOn < command.SignedOn);
        return Decision.Accept(new AgreementSigned(command.GroupId, command.SignedOn, command.EndsOn, renewal, command.Link));
    }

    public static Decision Submit(RecordReport command, GroupStanding standing, LocalDate today)
    {
        if (command.Kind.Length is 0 or > 40 || !Slugs.IsSlug(command.Kind))
            return LedgerProblem.Field("kind", "is the report's kind as a short slug: activity, financial, annual-plan…");
        if (command.PeriodEnd < command.PeriodStart) return LedgerProblem.Field("periodEnd", "must not be before periodStart.");
        if (command.SubmittedOn > today) return LedgerProblem.Field("submittedOn", $"{command.SubmittedOn:yyyy-MM-dd} is after today: record a report once it is in.");
        if (command.SubmittedOn < command.PeriodStart) return LedgerProblem.Field("submittedOn", "is before the period the report covers began.");
        if (standing.Reports.Any(r => r.Kind == command.Kind && r.PeriodStart == command.PeriodStart && r.PeriodEnd == command.PeriodEnd))
            return LedgerProblem.Rule("report-already-submitted",
                $"A {command.Kind} report for {command.PeriodStart:yyyy-MM-dd} to {command.PeriodEnd:yyyy-MM-dd} is already recorded.");
        return Decision.Accept(new ReportSubmitted(command.GroupId, command.Kind, command.PeriodStart, command.PeriodEnd, command.SubmittedOn, command.Link));
    }

    public static string Describe(RecognitionStatus status) => status switch
    {
        RecognitionStatus.NotApplied => "not (yet) an applicant",
        RecognitionStatus.Applied => "an applicant",
        RecognitionStatus.Provisional => "provisionally approved",
        RecognitionStatus.Recognized => "recognized",
        RecognitionStatus.Suspended => "suspended",
        _ => "derecognized",
    };
}
