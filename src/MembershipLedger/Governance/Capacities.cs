using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Governance;

// The capacity directory the 2019 strategy salon asked for: "a worldwide database showing capacities known by every
// Wikimedian (who wish to share them)". It is personal data and opt-in: a person's capacities are recorded on their
// affiliation stream with the group that records them, withdrawn by the person, erased with the rest of their data, and
// shown in public reads only when the person chose to publish them.

/// <summary>How well a person works in a language, in the steps of the wikis' Babel boxes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LanguageLevel>))]
public enum LanguageLevel
{
    [JsonStringEnumMemberName("basic")] Basic,
    [JsonStringEnumMemberName("intermediate")] Intermediate,
    [JsonStringEnumMemberName("advanced")] Advanced,
    [JsonStringEnumMemberName("near-native")] NearNative,
    [JsonStringEnumMemberName("professional")] Professional,
    [JsonStringEnumMemberName("native")] Native,
}

/// <summary>A language a person can work in (a BCP 47 code) and how well.</summary>
public sealed record LanguageCapacity(string Code, LanguageLevel Level);

/// <summary>
/// A person declared their capacities (all of them: a new declaration replaces the last): languages with a level, skills
/// from the ledger's vocabulary, free tags, whether they would mentor, and whether the declaration may be shown publicly.
/// </summary>
public sealed record CapacitiesDeclared(
    string GroupId, string Username, IReadOnlyList<LanguageCapacity> Languages, IReadOnlyList<string> Skills, IReadOnlyList<string> Tags,
    bool WouldMentor, bool Published) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];
}

/// <summary>The person withdrew their capacities from the directory.</summary>
public sealed record CapacitiesWithdrawn(string GroupId, string Username);

/// <summary>A person's capacities as the directory shows them: one document per affiliation stream that declared some.</summary>
public sealed class CapacityProfile
{
    public string Id { get; set; } = "";
    public string GroupId { get; set; } = "";
    public string Username { get; set; } = "";
    public List<LanguageCapacity> Languages { get; set; } = [];
    public List<string> LanguageCodes { get; set; } = [];
    public List<string> Skills { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public bool WouldMentor { get; set; }
    public bool Published { get; set; }
    public Instant DeclaredAt { get; set; }
}

/// <summary>Keeps <see cref="CapacityProfile"/> documents inline with the declarations (rebuilt, as every projection, after an erasure).</summary>
public sealed partial class CapacityProjection : EventProjection, MembershipLedger.Storage.IWritesDocuments
{
    public IEnumerable<Type> Documents => [typeof(CapacityProfile)];

    public CapacityProjection()
    {
        Name = "capacities";
        IncludeType<CapacitiesDeclared>();
        IncludeType<CapacitiesWithdrawn>();
        IncludeType<MembershipLedger.People.AccountRenamed>();
    }

    public override async ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        switch (e.Data)
        {
            case CapacitiesDeclared { Languages.Count: 0, Skills.Count: 0, Tags.Count: 0, WouldMentor: false }:
                // An erased declaration keeps nothing to show.
                operations.Delete<CapacityProfile>(e.StreamKey!);
                break;
            case CapacitiesDeclared d:
                operations.Store(new CapacityProfile
                {
                    Id = e.StreamKey!, GroupId = d.GroupId, Username = d.Username, Languages = [.. d.Languages],
                    LanguageCodes = [.. d.Languages.Select(l => l.Code.ToLowerInvariant())], Skills = [.. d.Skills], Tags = [.. d.Tags.Select(t => t.ToLowerInvariant())],
                    WouldMentor = d.WouldMentor, Published = d.Published, DeclaredAt = e.Timestamp.ToInstant(),
                });
                break;
            case CapacitiesWithdrawn:
                operations.Delete<CapacityProfile>(e.StreamKey!);
                break;
            case MembershipLedger.People.AccountRenamed r when await operations.LoadAsync<CapacityProfile>(e.StreamKey!, cancellation) is { } profile:
                // The directory shows the person under their current name; the stream keeps its key.
                profile.Username = r.NewName;
                operations.Store(profile);
                break;
        }
    }
}

public sealed record DeclareCapacities(
    string GroupId, string Username, IReadOnlyList<LanguageCapacity> Languages, IReadOnlyList<string> Skills, IReadOnlyList<string> Tags, bool WouldMentor, bool Published);

public static class DeclaringCapacities
{
    /// <summary>The skills the directory is searched by; anything else is a free tag.</summary>
    public static readonly IReadOnlyList<string> Vocabulary =
    [
        "editing", "translation", "photography", "video", "programming", "wikidata", "data-analysis", "design", "teaching", "training-trainers",
        "event-organizing", "outreach", "community-management", "research", "writing", "accessibility", "legal", "fundraising", "grant-writing",
        "communications", "partnerships", "technical-support",
    ];

    public static Decision Declare(DeclareCapacities command, Affiliation? affiliation)
    {
        if (affiliation is null) return LedgerProblem.NotFound("username", $"{command.Username} has no sign-up or role in {command.GroupId}; record one first.");
        if (command.Languages.Count == 0 && command.Skills.Count == 0 && command.Tags.Count == 0 && !command.WouldMentor)
            return LedgerProblem.Field("languages", "Give at least one language, skill or tag (or withdraw the capacities instead).");
        if (command.Languages.Count > 30) return LedgerProblem.Field("languages", "lists at most 30 languages.");
        for (var i = 0; i < command.Languages.Count; i++)
            if (!LanguageCode(command.Languages[i].Code))
                return LedgerProblem.Field($"languages[{i}].code", $"'{command.Languages[i].Code}' is not a language code such as fr, tg or pt-BR.");
        if (command.Languages.Select(l => l.Code.ToLowerInvariant()).Distinct().Count() != command.Languages.Count)
            return LedgerProblem.Field("languages", "names a language twice.");
        for (var i = 0; i < command.Skills.Count; i++)
            if (!Vocabulary.Contains(command.Skills[i]))
                return LedgerProblem.Field($"skills[{i}]", $"'{command.Skills[i]}' is not one of the skills ({string.Join(", ", Vocabulary)}); put it in tags.");
        if (command.Tags.Count > 20) return LedgerProblem.Field("tags", "lists at most 20 tags.");
        for (var i = 0; i < command.Tags.Count; i++)
            if (command.Tags[i].Trim().Length is 0 or > 40)
                return LedgerProblem.Field($"tags[{i}]", "is a word or short phrase of at most 40 characters.");
        return Decision.Accept(new CapacitiesDeclared(command.GroupId, affiliation.Username, command.Languages, [.. command.Skills.Distinct()],
            [.. command.Tags.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)], command.WouldMentor, command.Published));
    }

    public static Decision Withdraw(string groupId, Affiliation? affiliation, bool declared) =>
        affiliation is null ? LedgerProblem.NotFound("username", $"No one of that name has a sign-up or role in {groupId}.")
        : !declared ? Decision.Accept()
        : Decision.Accept(new CapacitiesWithdrawn(groupId, affiliation.Username));

    private static bool LanguageCode(string code) =>
        System.Text.RegularExpressions.Regex.IsMatch(code, "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$");
}
