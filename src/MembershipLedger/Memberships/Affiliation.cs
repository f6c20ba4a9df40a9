using System.Collections.Immutable;
using System.Text.Json.Serialization;
using JasperFx.Events;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.People;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>Whether a member is a person's account or an organization (the Mali page's "collaborator members").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberKind>))]
public enum MemberKind
{
    [JsonStringEnumMemberName("individual")] Individual,
    [JsonStringEnumMemberName("organization")] Organization,
}

/// <summary>The roles a group designates. Officer roles carry a title (president, project leader, …).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RoleKind>))]
public enum RoleKind
{
    [JsonStringEnumMemberName("founding-member")] FoundingMember,
    [JsonStringEnumMemberName("designated-contact")] DesignatedContact,
    [JsonStringEnumMemberName("key-person")] KeyPerson,
    [JsonStringEnumMemberName("officer")] Officer,
}

// The events of one affiliation stream: everything the ledger records about one person (or organization)
// in one group. One stream per pair keeps concurrent sign-ups to a group from contending for one stream,
// and makes "is this person already a member" a question about a single short stream.
// Who recorded each event, the reason given and where it came from travel as event metadata.

/// <summary>A person signed the group's membership list.</summary>
/// <param name="SignUpId">Names this sign-up, so later withdrawals and corrections say which one they concern.</param>
/// <param name="SignedAt">The instant of the signature, or null when the page shows none (undated, never guessed).</param>
/// <param name="LooksLike">
/// Members of the group, when the sign-up was recorded, whose names look like this one (Cyrillic for Latin letters,
/// fullwidth forms, accents; <see cref="Ledger.Usernames.Skeleton"/>): perhaps one person signing twice. A flag for a
/// person to decide on, not a refusal; null or absent when none.
/// </param>
public sealed record MemberSignedUp(string GroupId, string Username, MemberKind Kind, Guid SignUpId, Instant? SignedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? LooksLike = null)
    : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];
}

/// <summary>A member left the group of their own accord, effective at <paramref name="EffectiveAt"/>.</summary>
public sealed record MemberWithdrew(string GroupId, string Username, Guid SignUpId, Instant EffectiveAt);

/// <summary>The group removed a member, effective at <paramref name="EffectiveAt"/>.</summary>
public sealed record MemberRemoved(string GroupId, string Username, Guid SignUpId, Instant EffectiveAt);

/// <summary>A sign-up was recorded in error: the ledger no longer believes it happened. The reason is in the metadata.</summary>
public sealed record SignUpRetracted(string GroupId, string Username, Guid SignUpId);

/// <summary>A sign-up's signature time was recorded wrongly; from now on the ledger believes <paramref name="SignedAt"/>.</summary>
public sealed record SignatureTimeCorrected(string GroupId, string Username, Guid SignUpId, Instant? PreviousSignedAt, Instant SignedAt);

/// <summary>A role was designated to the person, effective from <paramref name="EffectiveFrom"/> (null: since an unknown time).</summary>
/// <param name="AssignmentId">Names this designation, so it can be ended.</param>
/// <param name="Title">The officer title (president, project leader, communication manager); null for the other roles.</param>
public sealed record RoleDesignated(string GroupId, string Username, Guid AssignmentId, RoleKind Role, string? Title, Instant? EffectiveFrom) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];
}

/// <summary>A role designation ended, effective at <paramref name="EffectiveAt"/>.</summary>
public sealed record RoleEnded(string GroupId, string Username, Guid AssignmentId, Instant EffectiveAt);

/// <summary>The latest sign-up of an affiliation, as its decisions need it.</summary>
public sealed record SignUp(Guid Id, Instant? SignedAt, Instant? EndedAt, bool Retracted)
{
    public bool IsActive => EndedAt is null && !Retracted;
}

/// <summary>How to reach a person: their real name, e-mail address and handles.</summary>
public sealed record PersonContact(string? RealName, string? Email, IReadOnlyList<ContactChannel> Handles);

/// <summary>A role in effect.</summary>
public sealed record HeldRole(Guid AssignmentId, RoleKind Role, string? Title, Instant? EffectiveFrom);

/// <summary>
/// Slim state of one affiliation stream: just what the membership decisions need. Built live from the
/// stream for each write; read models are the projections, not this.
/// </summary>
public sealed partial record Affiliation(
    string Id, string GroupId, string Username, MemberKind Kind, SignUp? Latest, ImmutableDictionary<Guid, HeldRole> Roles) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];

    public long Version { get; set; }

    public bool IsMember => Latest?.IsActive == true;

    /// <summary>The stream key: the group slug has no colon, so everything after the first one is the name.</summary>
    public static string StreamKey(string groupId, string username) => $"{groupId}:{username}";

    public static bool IsAffiliationKey(string key) => key.IndexOf(':') > 0;

    public static string GroupOf(string key) => key[..key.IndexOf(':')];

    public static string NameOf(string key) => key[(key.IndexOf(':') + 1)..];

    /// <summary>How to reach the person, as the group recorded it; personal data, shown only to those allowed.</summary>
    public PersonContact? Contact { get; init; }

    private static Affiliation Empty(IEvent e, string groupId, string username, MemberKind kind) =>
        new(e.StreamKey ?? StreamKey(groupId, username), groupId, username, kind, null, ImmutableDictionary<Guid, HeldRole>.Empty);

    public static Affiliation Create(IEvent<MemberSignedUp> e) =>
        Empty(e, e.Data.GroupId, e.Data.Username, e.Data.Kind).Apply(e.Data);

    public static Affiliation Create(IEvent<RoleDesignated> e) =>
        Empty(e, e.Data.GroupId, e.Data.Username, MemberKind.Individual).Apply(e.Data);

    public Affiliation Apply(MemberSignedUp e) => this with { Kind = e.Kind, Latest = new SignUp(e.SignUpId, e.SignedAt, null, false) };

    public Affiliation Apply(MemberWithdrew e) => End(e.SignUpId, e.EffectiveAt);

    public Affiliation Apply(MemberRemoved e) => End(e.SignUpId, e.EffectiveAt);

    public Affiliation Apply(SignUpRetracted e) =>
        Latest?.Id == e.SignUpId ? this with { Latest = Latest with { Retracted = true } } : this;

    public Affiliation Apply(SignatureTimeCorrected e) =>
        Latest?.Id == e.SignUpId ? this with { Latest = Latest with { SignedAt = e.SignedAt } } : this;

    public Affiliation Apply(RoleDesignated e) =>
        this with { Roles = Roles.SetItem(e.AssignmentId, new HeldRole(e.AssignmentId, e.Role, e.Title, e.EffectiveFrom)) };

    public Affiliation Apply(RoleEnded e) => this with { Roles = Roles.Remove(e.AssignmentId) };

    public Affiliation Apply(ContactDetailsRecorded e) =>
        this with { Contact = e.RealName is null && e.Email is null && e.Handles.Count == 0 ? null : new PersonContact(e.RealName, e.Email, e.Handles) };

    public Affiliation Apply(AccountRenamed e) => this with { Username = e.NewName };

    private Affiliation End(Guid signUpId, Instant at) =>
        Latest?.Id == signUpId ? this with { Latest = Latest with { EndedAt = at } } : this;
}
