using System.Text.Json;
using System.Text.RegularExpressions;
using MembershipLedger.Api.Access;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Groups;

/// <summary>A group as the API shows it.</summary>
public sealed record GroupResponse(
    string Id, string Name, GroupKind Kind, string CountryCode, IReadOnlyList<string> Languages, string TimeZone,
    PartialDate? FoundedOn, IReadOnlyList<ContactChannel> ContactChannels, Instant RegisteredAt, Instant UpdatedAt, long Version)
{
    /// <param name="personal">Whether the reader may see personal data; if not, e-mail channels (often a person's own address) are left out.</param>
    public static GroupResponse From(GroupProfile g, bool personal = true) => new(
        g.Id, g.Profile.Name, g.Profile.Kind, g.Profile.CountryCode, g.Profile.Languages, g.Profile.TimeZone.Id,
        g.Profile.FoundedOn, personal ? g.Profile.ContactChannels : g.Profile.Public().ContactChannels,
        g.RegisteredAt, g.UpdatedAt, g.Version);
}

public static partial class GroupEndpoints
{
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageCode();

    /// <summary>A slug; "ledger" is reserved for the ledger's own streams (<c>ledger:erasures</c>).</summary>
    public static bool IsGroupId(string? id) => Slugs.IsSlug(id) && id != "ledger";

    public static void MapGroupEndpoints(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/groups").WithTags("Groups");

        groups.MapGet("/", List).Produces<IReadOnlyList<GroupResponse>>().WithSummary("List the registered groups");
        groups.MapGet("/{groupId}", Get).Produces<GroupResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Read a group's profile");
    }

    private static async Task<IResult> List(HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var all = await session.Query<GroupProfile>().OrderBy(g => g.Id).ToListAsync(ct);
        return TypedResults.Ok(all.Select(g => GroupResponse.From(g, Permissions.SeesPersonalData(http.User, g.Id))).ToList());
    }

    private static async Task<IResult> Get(string groupId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (!IsGroupId(groupId) || await session.LoadAsync<GroupProfile>(groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        Versions.Tag(http.Response, group.Version);
        return TypedResults.Ok(GroupResponse.From(group, Permissions.SeesPersonalData(http.User, group.Id)));
    }

    /// <summary>The codes of a group's profile: an assigned ISO 3166-1 country, BCP 47 language tags.</summary>
    public static void CheckCodes(string? country, string[]? languages, FieldErrors errors)
    {
        if (country is not null && !CountryCodes.IsAssigned(country))
            errors.Add("countryCode", $"'{country}' is not an ISO 3166-1 alpha-2 country code such as TJ or ML.");
        if (languages?.FirstOrDefault(l => !LanguageCode().IsMatch(l)) is { } badLanguage)
            errors.Add("languages", $"'{badLanguage}' is not a language code such as tg, fr or zh-Hant.");
        else if (languages is { Length: 0 })
            errors.Add("languages", "must name at least one language.");
    }
}
