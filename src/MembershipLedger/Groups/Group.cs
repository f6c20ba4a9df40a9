using System.Text.Json.Serialization;
using JasperFx.Events;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Groups;

/// <summary>What kind of Wikimedia affiliate a group is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GroupKind>))]
public enum GroupKind
{
    [JsonStringEnumMemberName("user-group")] UserGroup,
    [JsonStringEnumMemberName("chapter")] Chapter,
    [JsonStringEnumMemberName("thematic-organization")] ThematicOrganization,
    /// <summary>An affiliate whose kind the source does not say (a panel page naming "Wikimedia Argentina").</summary>
    [JsonStringEnumMemberName("affiliate")] Affiliate,
}

/// <summary>A way to reach the group, as its page lists it (a Telegram group, a mailing list, a talk page).</summary>
/// <param name="Kind">Free label such as <c>telegram</c>, <c>email</c>, <c>talk-page</c>.</param>
/// <param name="Value">The address or link.</param>
public sealed record ContactChannel(string Kind, string Value)
{
    /// <summary>An e-mail address reaches a person: personal data, shown only to those allowed to see it, by every route.</summary>
    public bool IsPersonal() => Kind.Contains("mail", StringComparison.OrdinalIgnoreCase) || Value.Contains('@') || Value.Contains("(_AT_)", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The profile a group presents; every registration and profile change carries all of it.</summary>
/// <param name="Name">Display name, e.g. "Tajik Wikimedians User Group".</param>
/// <param name="Kind">User group, chapter or thematic organization.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2 code of the country the group works in.</param>
/// <param name="Languages">BCP 47 language codes the group works in.</param>
/// <param name="TimeZone">IANA zone in which the group's dates ("as of 9 December") are read.</param>
/// <param name="FoundedOn">Founding date to the precision known (a year, a month or a day), or null.</param>
/// <param name="ContactChannels">How to reach the group.</param>
public sealed record GroupProfileDetails(
    string Name,
    GroupKind Kind,
    string CountryCode,
    IReadOnlyList<string> Languages,
    DateTimeZone TimeZone,
    PartialDate? FoundedOn,
    IReadOnlyList<ContactChannel> ContactChannels)
{
    /// <summary>The profile as anyone may read it: without the channels that are personal data.</summary>
    public GroupProfileDetails Public() => this with { ContactChannels = ContactChannels.Where(c => !c.IsPersonal()).ToList() };

    /// <summary>The names of the fields whose values differ from <paramref name="other"/>.</summary>
    public IReadOnlyList<string> FieldsDifferingFrom(GroupProfileDetails other)
    {
        var changed = new List<string>();
        if (Name != other.Name) changed.Add("name");
        if (Kind != other.Kind) changed.Add("kind");
        if (CountryCode != other.CountryCode) changed.Add("countryCode");
        if (!Languages.SequenceEqual(other.Languages)) changed.Add("languages");
        if (TimeZone.Id != other.TimeZone.Id) changed.Add("timeZone");
        if (FoundedOn != other.FoundedOn) changed.Add("foundedOn");
        if (!ContactChannels.SequenceEqual(other.ContactChannels)) changed.Add("contactChannels");
        return changed;
    }
}

/// <summary>A group was registered in the ledger. The first event of a group's stream.</summary>
/// <param name="GroupId">The readable slug that names the group's stream, e.g. <c>tajik-wikimedians</c>.</param>
/// <param name="Profile">The profile as registered.</param>
public sealed record GroupRegistered(string GroupId, GroupProfileDetails Profile);

/// <summary>A group's profile was changed; carries the whole new profile and which fields changed.</summary>
public sealed record GroupProfileChanged(string GroupId, GroupProfileDetails Profile, IReadOnlyList<string> ChangedFields);

/// <summary>
/// A group as the ledger currently knows it: the slim state its decisions need, and the document
/// that <c>GET /groups</c> reads (an inline snapshot, so it is current as soon as a write returns).
/// </summary>
public sealed partial record GroupProfile(string Id, GroupProfileDetails Profile, Instant RegisteredAt, Instant UpdatedAt)
{
    /// <summary>Stream version, set by Marten; the expected version for optimistic writes.</summary>
    public long Version { get; set; }

    public static GroupProfile Create(IEvent<GroupRegistered> e) =>
        new(e.Data.GroupId, e.Data.Profile, e.Timestamp.ToInstant(), e.Timestamp.ToInstant());

    public GroupProfile Apply(IEvent<GroupProfileChanged> e) =>
        this with { Profile = e.Data.Profile, UpdatedAt = e.Timestamp.ToInstant() };
}
