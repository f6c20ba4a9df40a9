using System.Collections.Immutable;
using System.Text.Json.Serialization;
using JasperFx.Events;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Activities;

/// <summary>What kind of thing a group did.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivityKind>))]
public enum ActivityKind
{
    [JsonStringEnumMemberName("meetup")] Meetup,
    [JsonStringEnumMemberName("edit-a-thon")] EditAThon,
    [JsonStringEnumMemberName("contest")] Contest,
    [JsonStringEnumMemberName("workshop-or-training")] WorkshopOrTraining,
    [JsonStringEnumMemberName("photowalk")] Photowalk,
    [JsonStringEnumMemberName("conference-participation")] ConferenceParticipation,
    [JsonStringEnumMemberName("presentation-or-panel")] PresentationOrPanel,
    [JsonStringEnumMemberName("strategy-salon")] StrategySalon,
    [JsonStringEnumMemberName("campaign")] Campaign,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>Where an activity stands: planned, then held, then reported; or cancelled instead of held.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivityStatus>))]
public enum ActivityStatus
{
    [JsonStringEnumMemberName("planned")] Planned,
    [JsonStringEnumMemberName("held")] Held,
    [JsonStringEnumMemberName("reported")] Reported,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>What one person did at an activity: the lines of a trip report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParticipationPart>))]
public enum ParticipationPart
{
    [JsonStringEnumMemberName("attended")] Attended,
    [JsonStringEnumMemberName("presented")] Presented,
    [JsonStringEnumMemberName("organized")] Organized,
    [JsonStringEnumMemberName("facilitated")] Facilitated,
    [JsonStringEnumMemberName("trained")] Trained,
    [JsonStringEnumMemberName("met-committee")] MetCommittee,
    [JsonStringEnumMemberName("volunteered")] Volunteered,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>Where an activity happened: a city and country, or online (or both, for a hybrid event); all empty when the source does not say.</summary>
/// <param name="CountryCode">ISO 3166-1 alpha-2.</param>
public sealed record Place(string? City, string? CountryCode, bool Online);

/// <summary>Everything that describes an activity; every plan and every change carries all of it.</summary>
/// <param name="GroupIds">The groups it belongs to: one, or several for a regional meeting.</param>
/// <param name="StartsOn">First day, in <paramref name="TimeZone"/>; only the month or the year when that is all a page says ("2018: wikiGap in Bamako").</param>
/// <param name="EndsOn">Last day (the same as <paramref name="StartsOn"/> for a one-day activity).</param>
/// <param name="TimeZone">IANA zone in which its days are read.</param>
/// <param name="Organizers">Usernames of its organizers.</param>
public sealed record ActivityDetails(
    IReadOnlyList<string> GroupIds, ActivityKind Kind, string Title, PartialDate StartsOn, PartialDate EndsOn, DateTimeZone TimeZone,
    Place Place, IReadOnlyList<string> Organizers);

/// <summary>What came of an activity. Counts are null when not counted, never zero by default.</summary>
/// <param name="CommonsCategory">The Commons category holding its photos, e.g. "Strategy Salon Morocco 2019".</param>
public sealed record Outcomes(int? ArticlesCreated, int? ArticlesImproved, int? Uploads, string? Notes, string? ReportUrl, string? CommonsCategory);

// The events of one activity's stream. Who recorded each, through what and why travel as metadata.

/// <summary>An activity was put on the ledger. The first event of its stream, whether it lies ahead or was recorded afterwards.</summary>
public sealed record ActivityPlanned(string ActivityId, ActivityDetails Details) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => Details.GroupIds;
}

/// <summary>An activity's description changed (rescheduled, moved, renamed); carries the whole new description and which fields changed.</summary>
public sealed record ActivityDetailsChanged(string ActivityId, ActivityDetails Details, IReadOnlyList<string> ChangedFields) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => Details.GroupIds;
}

/// <summary>The activity took place.</summary>
public sealed record ActivityHeld(string ActivityId);

/// <summary>The activity was called off before it took place. The reason is in the metadata.</summary>
public sealed record ActivityCancelled(string ActivityId);

/// <summary>The activity's outcomes were reported; a later report revises an earlier one.</summary>
public sealed record ActivityReported(string ActivityId, Outcomes Outcomes);

/// <summary>A person signed the activity's list of interested attendees (the "# ~~~~" lists of Wikimania submissions).</summary>
/// <param name="SignedAt">The instant of the signature, or null when the list shows none.</param>
public sealed record ActivitySignUpRecorded(string ActivityId, string Username, Instant? SignedAt);

/// <summary>A person took part in the activity, in the part named: one line of a trip report.</summary>
/// <param name="Note">What they did, in their words, e.g. "presented the Caucasian collaboration with Oleg Abarnikov".</param>
/// <param name="On">The day, when the report gives it.</param>
public sealed record ParticipationRecorded(string ActivityId, string Username, ParticipationPart Part, string? Note, LocalDate? On);

/// <summary>The number of participants not named (a head count); a later count replaces an earlier one.</summary>
public sealed record UnnamedParticipantsCounted(string ActivityId, int Count);

/// <summary>A sign-up on the interested list, as the activity's state keeps it.</summary>
public sealed record ActivitySignUp(string Username, Instant? SignedAt, Instant RecordedAt);

/// <summary>A part someone played, as the activity's state keeps it.</summary>
public sealed record Participation(string Username, ParticipationPart Part, string? Note, LocalDate? On);

/// <summary>An activity as the ledger currently knows it: the state its decisions need and what <c>GET /activities/{id}</c> shows.</summary>
public sealed partial record Activity(
    string Id, ActivityDetails Details, ActivityStatus Status, ImmutableList<ActivitySignUp> SignUps,
    ImmutableList<Participation> Participation, int? UnnamedParticipants, Outcomes? Outcomes, Instant RecordedAt, Instant UpdatedAt)
    : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => Details.GroupIds;

    /// <summary>Stream version, set by Marten; the expected version for optimistic writes.</summary>
    public long Version { get; set; }

    /// <summary>Named participants (anyone recorded as taking part) plus the unnamed count.</summary>
    public int ParticipantCount => Participation.Select(p => p.Username).Distinct(StringComparer.Ordinal).Count() + (UnnamedParticipants ?? 0);

    public static Activity Create(IEvent<ActivityPlanned> e) =>
        new(e.Data.ActivityId, e.Data.Details, ActivityStatus.Planned, [], [], null, null, e.Timestamp.ToInstant(), e.Timestamp.ToInstant());

    public Activity Apply(IEvent<ActivityDetailsChanged> e) => this with { Details = e.Data.Details, UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<ActivityHeld> e) => this with { Status = ActivityStatus.Held, UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<ActivityCancelled> e) => this with { Status = ActivityStatus.Cancelled, UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<ActivityReported> e) =>
        this with { Status = ActivityStatus.Reported, Outcomes = e.Data.Outcomes, UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<ActivitySignUpRecorded> e) =>
        this with { SignUps = SignUps.Add(new ActivitySignUp(e.Data.Username, e.Data.SignedAt, e.Timestamp.ToInstant())), UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<ParticipationRecorded> e) =>
        this with { Participation = Participation.Add(new Participation(e.Data.Username, e.Data.Part, e.Data.Note, e.Data.On)), UpdatedAt = e.Timestamp.ToInstant() };

    public Activity Apply(IEvent<UnnamedParticipantsCounted> e) => this with { UnnamedParticipants = e.Data.Count, UpdatedAt = e.Timestamp.ToInstant() };
}
