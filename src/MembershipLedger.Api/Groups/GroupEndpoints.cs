using System.Text.Json;
using System.Text.RegularExpressions;
using Marten;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Http;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Api.Groups;

/// <summary>The body of <c>POST /groups</c>, <c>PUT</c> and <c>PATCH /groups/{groupId}</c> (the id only on POST).</summary>
/// <param name="Id">Readable slug: lower-case letters, digits and single hyphens, 3–64 characters.</param>
/// <param name="Kind"><c>user-group</c>, <c>chapter</c> or <c>thematic-organization</c>.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2, e.g. <c>TJ</c>.</param>
/// <param name="TimeZone">IANA zone id, e.g. <c>Asia/Dushanbe</c>.</param>
/// <param name="FoundedOn"><c>2022</c>, <c>2022-05</c> or <c>2022-05-17</c>: only the precision that is known.</param>
public sealed record GroupRequest(
    string? Id, string Name, string Kind, string CountryCode, string[] Languages, string TimeZone, string? FoundedOn,
    ContactChannel[]? ContactChannels);

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

        groups.MapPost("/", Register).Accepts<GroupRequest>("application/json")
            .Produces<GroupResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a group");
        groups.MapGet("/", List).Produces<IReadOnlyList<GroupResponse>>().WithSummary("List the registered groups");
        groups.MapGet("/{groupId}", Get).Produces<GroupResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Read a group's profile");
        groups.MapPut("/{groupId}", (string groupId, HttpContext http, IDocumentSession session) => Change(groupId, http, session, partial: false))
            .Accepts<GroupRequest>("application/json").Produces<GroupResponse>().ProducesValidationProblem()
            .WithSummary("Replace a group's profile");
        groups.MapPatch("/{groupId}", (string groupId, HttpContext http, IDocumentSession session) => Change(groupId, http, session, partial: true))
            .Accepts<GroupRequest>("application/json").Produces<GroupResponse>().ProducesValidationProblem()
            .WithSummary("Change some fields of a group's profile");
    }

    private static async Task<IResult> Register(HttpContext http, IDocumentSession session)
    {
        if (Permissions.RefuseUnlessAdmin(http) is { } notAdmin) return notAdmin;
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var id = body.String("id", required: true, maxLength: 64);
        if (id is not null && !IsGroupId(id))
            body.Error("id", "must be 3–64 lower-case letters, digits and single hyphens, e.g. tajik-wikimedians.");
        var profile = ReadProfile(body, current: null);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var existing = await session.LoadAsync<GroupProfile>(id!, http.RequestAborted);
        var decision = RegisteringGroup.Decide(new RegisterGroup(id!, profile!), existing);
        if (decision.Problem is { } refused) return Problems.From(refused);

        Recording.Stamp(session, http, reason);
        session.Events.StartStream<GroupProfile>(id!, decision.Events);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Problems.From(LedgerProblem.Rule("group-exists", $"A group with id '{id}' is already registered."));
        }
        var created = await session.LoadAsync<GroupProfile>(id!, http.RequestAborted);
        return TypedResults.Created($"/groups/{id}", GroupResponse.From(created!));
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

    private static async Task<IResult> Change(string groupId, HttpContext http, IDocumentSession session, bool partial)
    {
        if (!IsGroupId(groupId)) return Problems.UnknownGroup(groupId);
        if (Permissions.RefuseWrite(http, groupId) is { } notYours) return notYours;
        var (expected, badHeader) = Versions.Expected(http.Request);
        if (badHeader is not null) return badHeader;
        var stream = await session.Events.FetchForWriting<GroupProfile>(groupId, http.RequestAborted);
        if (stream.Aggregate is not { } current) return Problems.UnknownGroup(groupId);
        if (expected is { } version && version != current.Version) return Versions.Stale(version, current.Version);

        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var profile = ReadProfile(body, partial ? current.Profile : null);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var decision = ChangingGroupProfile.Decide(new ChangeGroupProfile(groupId, profile!), current);
        if (decision.Problem is { } refused) return Problems.From(refused);
        if (decision.Events.Count == 0) return TypedResults.Ok(GroupResponse.From(current));

        Recording.Stamp(session, http, reason);
        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return expected is { } stale ? Versions.Stale(stale, null) : Problems.ConcurrentWrite();
        }
        return TypedResults.Ok(GroupResponse.From((await session.LoadAsync<GroupProfile>(groupId, http.RequestAborted))!));
    }

    /// <summary>Reads the profile fields; with <paramref name="current"/> (PATCH) a missing field keeps its value.</summary>
    private static GroupProfileDetails? ReadProfile(JsonBody body, GroupProfileDetails? current)
    {
        var required = current is null;
        var name = body.String("name", required) ?? current?.Name;
        var kind = body.Enum<GroupKind>("kind", required) ?? current?.Kind;

        var country = body.String("countryCode", required, maxLength: 2);
        if (country is not null && !CountryCodes.IsAssigned(country))
        {
            body.Error("countryCode", $"'{country}' is not an ISO 3166-1 alpha-2 country code such as TJ or ML.");
            country = null;
        }
        country ??= current?.CountryCode;

        var languages = body.StringArray("languages", required, maxItems: 20, maxLength: 20);
        if (languages?.FirstOrDefault(l => !LanguageCode().IsMatch(l)) is { } badLanguage)
            body.Error("languages", $"'{badLanguage}' is not a language code such as tg, fr or zh-Hant.");
        else if (languages is { Count: 0 })
            body.Error("languages", "must name at least one language.");
        languages ??= current?.Languages;

        var zoneId = body.String("timeZone", required, maxLength: 64);
        var zone = zoneId is null ? current?.TimeZone : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zoneId is not null && zone is null) body.Error("timeZone", $"'{zoneId}' is not an IANA time zone such as Asia/Dushanbe.");

        PartialDate? foundedOn = current?.FoundedOn;
        if (body.Has("foundedOn"))
        {
            var text = body.String("foundedOn", maxLength: 10);
            if (PartialDate.TryParse(text, out var parsed)) foundedOn = parsed;
            else body.Error("foundedOn", $"'{text}' is not a date of the form 2022, 2022-05 or 2022-05-17.");
        }
        else body.String("foundedOn");

        var channels = ReadChannels(body, "contactChannels") ?? current?.ContactChannels ?? [];

        return name is null || kind is null || country is null || languages is null || zone is null
            ? null
            : new GroupProfileDetails(name, kind.Value, country, languages, zone, foundedOn, channels);
    }

    /// <summary>Reads an array of <c>{kind, value}</c> channels; null when the field is absent.</summary>
    public static IReadOnlyList<ContactChannel>? ReadChannels(JsonBody body, string field) =>
        body.ObjectArray(field, (item, path) =>
        {
            string? Field(string name, int max)
            {
                if (!item.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()) || v.GetString()!.Length > max)
                {
                    body.Error($"{path}.{name}", $"must be a non-empty string of at most {max} characters.");
                    return null;
                }
                return v.GetString()!.Trim();
            }
            var kind = Field("kind", 40);
            var value = Field("value", 300);
            return kind is null || value is null ? null : new ContactChannel(kind, value);
        });
}
