using Marten;
using MembershipLedger.Api.Http;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Groups;
using NodaTime;

namespace MembershipLedger.Api.Memberships;

/// <summary>The body of <c>POST /groups/{groupId}/members</c>.</summary>
/// <param name="Username">The account name as signed (a <c>User:</c> prefix and underscores are fine), or an organization's name.</param>
/// <param name="SignedAt">The signature's instant; leave it out when the page shows no time (an undated sign-up).</param>
/// <param name="Kind"><c>individual</c> (default) or <c>organization</c>.</param>
public sealed record SignUpRequest(string Username, string? SignedAt, string? Kind, string? Reason);

/// <summary>The body of the withdrawal and removal requests.</summary>
/// <param name="EffectiveAt">An instant, or a date meaning the start of that day in the group's zone; default now.</param>
/// <param name="Reason">Required for a removal.</param>
public sealed record EndMembershipRequest(string? EffectiveAt, string? Reason);

/// <summary>The body of a retraction.</summary>
public sealed record RetractionRequest(string Reason);

/// <summary>The body of a signature-time correction.</summary>
public sealed record CorrectionRequest(string SignedAt, string Reason);

/// <summary>What a membership write recorded.</summary>
/// <param name="LooksLike">On a sign-up: members whose names look like this one (perhaps one person signing twice), for a person to decide on.</param>
public sealed record MembershipChange(string GroupId, string Username, string Event, Guid SignUpId, Instant? SignedAt, Instant? EffectiveAt, long Version,
    IReadOnlyList<string>? LooksLike = null);

/// <summary>The body of <c>PUT /groups/{groupId}/members/{username}/contact-details</c>: the whole of what is known; omitted means none.</summary>
/// <param name="Email">An address; the wiki's "name(_AT_)example.org" spelling is accepted.</param>
/// <param name="Handles">Other ways to reach the person, each a kind (telegram, phone, talk-page) and a value.</param>
public sealed record ContactDetailsRequest(string? RealName, string? Email, ContactChannel[]? Handles, string? Reason);

/// <summary>An affiliation's current state. <c>contact</c> is null for readers who may not see personal data.</summary>
public sealed record AffiliationResponse(
    string GroupId, string Username, MemberKind Kind, bool IsMember, Guid? SignUpId, Instant? SignedAt, Instant? EndedAt,
    IReadOnlyList<HeldRole> Roles, PersonContact? Contact, long Version);

public static class MembershipEndpoints
{
    public static void MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/groups/{groupId}/members").WithTags("Membership");

        members.MapPost("/", SignUp).Accepts<SignUpRequest>("application/json")
            .Produces<MembershipChange>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record a signature on the membership list");
        members.MapGet("/{username}", Get).Produces<AffiliationResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A person's current membership and roles in the group");
        members.MapPost("/{username}/withdrawal", (string groupId, string username, HttpContext http, IDocumentSession session, IClock clock) =>
                End(groupId, username, MembershipEnding.Withdrawal, http, session, clock))
            .Accepts<EndMembershipRequest>("application/json").Produces<MembershipChange>().ProducesValidationProblem()
            .WithSummary("Record that a member withdrew");
        members.MapPost("/{username}/removal", (string groupId, string username, HttpContext http, IDocumentSession session, IClock clock) =>
                End(groupId, username, MembershipEnding.Removal, http, session, clock))
            .Accepts<EndMembershipRequest>("application/json").Produces<MembershipChange>().ProducesValidationProblem()
            .WithSummary("Record that the group removed a member (reason required)");
        members.MapPost("/{username}/retraction", Retract).Accepts<RetractionRequest>("application/json")
            .Produces<MembershipChange>().ProducesValidationProblem().WithSummary("Retract a sign-up recorded in error");
        members.MapPut("/{username}/contact-details", RecordContact).Accepts<ContactDetailsRequest>("application/json")
            .Produces<AffiliationResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Record how to reach a member or contact (personal data: erased on request)");
        members.MapPost("/{username}/correction", Correct).Accepts<CorrectionRequest>("application/json")
            .Produces<MembershipChange>().ProducesValidationProblem().WithSummary("Correct a sign-up's signature time");
    }

    private static async Task<IResult> SignUp(string groupId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var kind = body.Enum<MemberKind>("kind") ?? MemberKind.Individual;
        var username = ReadUsername(body, kind);
        var signedAt = body.Instant("signedAt");
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var looksLike = await LookAlikes.AmongMembersAsync(session, group.Id, username!, http.RequestAborted);
        var command = new SignUpMember(group.Id, username!, kind, signedAt, Guid.NewGuid(), looksLike);
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, username!, reason,
            current => SigningUp.Decide(command, current, clock.GetCurrentInstant()));
        if (outcome.Problem is { } refused) return refused;
        return TypedResults.Created($"/groups/{group.Id}/members/{Uri.EscapeDataString(username!)}",
            new MembershipChange(group.Id, username!, "member-signed-up", command.SignUpId, signedAt, signedAt, outcome.Version,
                looksLike.Count > 0 ? looksLike : null));
    }

    private static async Task<IResult> Get(string groupId, string username, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, ct) is not { } group) return Problems.UnknownGroup(groupId);
        var name = Usernames.Normalize(username);
        var (key, renamed) = await Accounts.StreamKeyAsync(session, group.Id, name, ct);
        if (renamed is not null) return Problems.From(renamed);
        var state = await session.Events.AggregateStreamAsync<Affiliation>(key!, token: ct);
        if (state is null) return Problems.From(LedgerProblem.NotFound("username", $"The ledger has no record of {name} in {group.Id}."));
        Versions.Tag(http.Response, state.Version);
        // Contact details are personal data: shown to admins, auditors and the group's own organizers only.
        var contact = Permissions.SeesPersonalData(http.User, group.Id) ? state.Contact : null;
        return TypedResults.Ok(new AffiliationResponse(group.Id, state.Username, state.Kind, state.IsMember, state.Latest?.Id,
            state.Latest?.SignedAt, state.Latest?.EndedAt, state.Roles.Values.OrderBy(r => r.Role).ToList(), contact, state.Version));
    }

    private static async Task<IResult> End(string groupId, string username, MembershipEnding ending, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: true);
        if (body is null) return problem!;
        var now = clock.GetCurrentInstant();
        var effectiveAt = body.Effective("effectiveAt", group.Profile.TimeZone) ?? now;
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var name = Usernames.Normalize(username);
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, name, reason,
            current => EndingMembership.Decide(new EndMembership(group.Id, name, ending, effectiveAt, reason), current, now));
        return outcome.Problem ?? Change(outcome);
    }

    private static async Task<IResult> Retract(string groupId, string username, HttpContext http, IDocumentSession session)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var name = Usernames.Normalize(username);
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, name, reason,
            current => RetractingSignUp.Decide(new RetractSignUp(group.Id, name, reason), current));
        return outcome.Problem ?? Change(outcome);
    }

    private static async Task<IResult> Correct(string groupId, string username, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var signedAt = body.Instant("signedAt", required: true);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var name = Usernames.Normalize(username);
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, name, reason,
            current => CorrectingSignatureTime.Decide(new CorrectSignatureTime(group.Id, name, signedAt!.Value, reason), current, clock.GetCurrentInstant()));
        return outcome.Problem ?? Change(outcome);
    }

    private static async Task<IResult> RecordContact(string groupId, string username, HttpContext http, IDocumentSession session)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var realName = body.String("realName", maxLength: RecordingContactDetails.MaxLength);
        var email = body.String("email", maxLength: RecordingContactDetails.MaxLength) is { } given ? RecordingContactDetails.NormalizeEmail(given) : null;
        var handles = GroupEndpoints.ReadChannels(body, "handles") ?? [];
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var name = Usernames.Normalize(username);
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, name, reason,
            current => RecordingContactDetails.Decide(new RecordContactDetails(group.Id, name, realName, email, handles), current));
        return outcome.Problem ?? await Get(group.Id, name, http, session, http.RequestAborted);
    }

    /// <summary>Reads and normalizes the <c>username</c> field, reporting it when it is not a valid account name.</summary>
    public static string? ReadUsername(JsonBody body, MemberKind kind)
    {
        var raw = body.String("username", required: true, maxLength: 120);
        if (raw is null) return null;
        var name = Usernames.Normalize(raw);
        if (Usernames.Invalid(name, kind == MemberKind.Organization) is { } why) { body.Error("username", why); return null; }
        return name;
    }

    private static IResult Change(StreamWrites.Outcome outcome) => TypedResults.Ok(outcome.Events.Single() switch
    {
        MemberWithdrew w => new MembershipChange(w.GroupId, w.Username, "member-withdrew", w.SignUpId, null, w.EffectiveAt, outcome.Version),
        MemberRemoved r => new MembershipChange(r.GroupId, r.Username, "member-removed", r.SignUpId, null, r.EffectiveAt, outcome.Version),
        SignUpRetracted r => new MembershipChange(r.GroupId, r.Username, "sign-up-retracted", r.SignUpId, null, null, outcome.Version),
        SignatureTimeCorrected c => new MembershipChange(c.GroupId, c.Username, "signature-time-corrected", c.SignUpId, c.SignedAt, c.SignedAt, outcome.Version),
        var other => throw new InvalidOperationException($"No response mapping for {other.GetType().Name}."),
    });
}
