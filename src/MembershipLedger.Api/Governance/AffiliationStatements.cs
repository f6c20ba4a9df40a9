using MembershipLedger.Api.Groups;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Governance;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Memberships.Roster;
using Npgsql;

namespace MembershipLedger.Api.Governance;

/// <summary>The body of <c>POST /groups/{groupId}/members/{username}/statements</c>; an empty body states membership today, valid a year.</summary>
/// <param name="Role">The role the statement names; leave out to state membership.</param>
/// <param name="AsOf">The day the statement speaks of; today when left out.</param>
/// <param name="ValidDays">How long the statement may be relied on, from now (1 to 731 days; 365 when left out).</param>
public sealed record StatementRequest(RoleKind? Role, LocalDate? AsOf, int? ValidDays, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

/// <summary>The body of <c>POST /groups/{groupId}/statements/{statementId}/revocation</c>.</summary>
public sealed record RevocationRequest([MaxLength(500)] string Reason) : ILedgerRequest, IHasReason;

/// <summary>A statement as issued: the signed token to hand over, and what it says.</summary>
public sealed record IssuedStatement(Guid StatementId, string Token, StatementClaims Claims, string StatusUrl, string KeysUrl);

/// <summary>What the ledger answers for a statement: what it says, and whether it still holds.</summary>
/// <param name="Status"><c>valid</c>, <c>expired</c> or <c>revoked</c>.</param>
public sealed record StatementStatus(Guid StatementId, string Status, string GroupId, string Username, RoleKind? Role, string? Title, LocalDate AsOf,
    LocalDate RecognizedSince, Instant IssuedAt, Instant ExpiresAt, Instant? RevokedAt)
{
    public static StatementStatus Of(StatementRecord r, Instant now) =>
        new(r.Id, r.RevokedAt is not null ? "revoked" : r.ExpiresAt <= now ? "expired" : "valid", r.GroupId, r.Username, r.Role, r.Title, r.AsOf,
            r.RecognizedSince, r.IssuedAt, r.ExpiresAt, r.RevokedAt);
}

public static class IssueStatementEndpoint
{
    public static Task<(GroupProfile?, StreamTarget<Affiliation>?, IResult)> LoadAsync(string groupId, string username, IDocumentSession session, CancellationToken ct) =>
        AffiliationStreams.OfAsync(session, groupId, username, ct);

    /// <summary>
    /// Signs "P holds role R (or is a member) in group G, recognized since …, as of D" with the ledger's key (a compact JWS,
    /// ES256). Anyone verifies it offline with the public key at <c>/.well-known/jwks.json</c>, or online at <c>/statements/verify</c>.
    /// </summary>
    [WolverinePost("/groups/{groupId}/members/{username}/statements"), Tags("Governance"),
     EndpointSummary("Issue a signed affiliation statement: the person holds a role (or is a member) in the recognized group as of a day")]
    [ProducesResponseType<IssuedStatement>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(string username, StatementRequest request, GroupProfile group, IEventStream<Affiliation> stream,
        IDocumentSession session, NpgsqlDataSource db, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (stream.Aggregate is not { } affiliation)
            return Problems.From(LedgerProblem.NotFound("username", $"{Usernames.Normalize(username)} has no sign-up or role in {group.Id}."));
        var today = GroupProfiles.Today(group, clock);
        var asOf = request.AsOf ?? today;
        var roster = await RosterQuery.LoadAsync(db, group.Id, Moments.EndOfDay(asOf, group.Profile.TimeZone), null, ct);
        var held = new HeldOnDay(roster.Members.Concat(roster.Undated).Any(m => m.Username == affiliation.Username),
            [.. roster.Roles.Where(r => r.Username == affiliation.Username).Select(r => (r.Role, r.Title))]);
        var standing = await session.Events.AggregateStreamAsync<GroupStanding>(group.Id, token: ct);
        var (keyId, key) = await StatementKeys.SigningKeyAsync(session.DocumentStore, clock, ct);
        var decision = Statements.Issue(new IssueStatement(Guid.NewGuid(), group.Id, affiliation.Username, request.Role, asOf, request.ValidDays ?? 365),
            held, standing?.RecognizedSince(asOf), standing?.StatusOn(asOf) ?? RecognitionStatus.NotApplied, today, clock.GetCurrentInstant(), keyId);
        return Outcome.Append(stream, decision, answer =>
        {
            var issued = (AffiliationStatementIssued)decision.Events.Single();
            var claims = new StatementClaims(issued.StatementId, Issuer(http), issued.Username, group.Id, group.Profile.Name, issued.Role, issued.Title,
                issued.AsOf, issued.RecognizedSince, issued.IssuedAt, Statements.EndOf(issued.ExpiresOn));
            return Task.FromResult<IResult>(TypedResults.Created($"/statements/{issued.StatementId}",
                new IssuedStatement(issued.StatementId, Statements.Sign(claims, key, keyId), claims, $"/statements/{issued.StatementId}", "/.well-known/jwks.json")));
        });
    }

    /// <summary>Who signs: this ledger, named by the address it answers at.</summary>
    public static string Issuer(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}

public static class RevokeStatementEndpoint
{
    /// <summary>The statement names the person, and so the affiliation stream its revocation goes to.</summary>
    public static async Task<(GroupProfile?, StatementRecord?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string statementId, IDocumentSession session, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return (null, null, null, Problems.UnknownGroup(groupId));
        if (!Guid.TryParse(statementId, out var id) || await session.LoadAsync<StatementRecord>(id, ct) is not { } record || record.GroupId != group.Id)
            return (group, null, null, Problems.From(LedgerProblem.NotFound("statementId", $"No statement {statementId} was issued in {group.Id}.")));
        return (group, record, new StreamTarget<Affiliation>(record.StreamKey), WolverineContinue.Result());
    }

    [WolverinePost("/groups/{groupId}/statements/{statementId}/revocation"), Tags("Governance"),
     EndpointSummary("Revoke an affiliation statement: from now on the ledger answers that it no longer holds")]
    [ProducesResponseType<StatementStatus>(StatusCodes.Status200OK)]
    public static IResult Post(RevocationRequest request, GroupProfile group, StatementRecord record, IEventStream<Affiliation> stream,
        IDocumentSession session, IClock clock) =>
        Outcome.Append(stream, Statements.Revoke(record.Id, group.Id, record.Username, alreadyRevoked: record.RevokedAt is not null, clock.GetCurrentInstant()),
            async http => TypedResults.Ok(StatementStatus.Of((await session.LoadAsync<StatementRecord>(record.Id, http.RequestAborted))!, clock.GetCurrentInstant())));
}
