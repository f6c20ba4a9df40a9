using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using NodaTime;

namespace MembershipLedger.Governance;

// Affiliation statements: "P holds role R in group G (recognized since …) as of D", signed by the ledger so that a third
// party (a venue, a library, an authority where the group has no legal status) can check it offline with the ledger's
// public key. Issuing and revoking are events on the person's affiliation stream, so an erasure renames them with the rest.

/// <summary>
/// A statement was issued and signed. <paramref name="Role"/> is null for plain membership. The token itself is not kept:
/// it is the signed form of these fields, and the key's id says which key signed it.
/// </summary>
/// <param name="ExpiresOn">The last day it may be relied on (to the end of that day, UTC): a day, as the ledger's facts never lie in the future.</param>
public sealed record AffiliationStatementIssued(
    Guid StatementId, string GroupId, string Username, RoleKind? Role, string? Title, LocalDate AsOf, LocalDate RecognizedSince,
    Instant IssuedAt, LocalDate ExpiresOn, string KeyId) : IBelongsToGroups
{
    IReadOnlyCollection<string> IBelongsToGroups.OwningGroups => [GroupId];
}

/// <summary>A statement was revoked: from then on the ledger answers that it no longer holds. The reason is in the metadata.</summary>
public sealed record AffiliationStatementRevoked(Guid StatementId, string GroupId, string Username, Instant RevokedAt);

/// <summary>What a statement says, as its signed payload carries it (JWT claim names where JWT has one).</summary>
public sealed record StatementClaims(
    Guid StatementId, string Issuer, string Username, string GroupId, string GroupName, RoleKind? Role, string? Title,
    LocalDate AsOf, LocalDate RecognizedSince, Instant IssuedAt, Instant ExpiresAt);

/// <summary>The outcome of checking a token's signature and times (revocation is the ledger's to say, online).</summary>
/// <param name="Malformed">The text is no compact JWS at all: not a token to judge, but input to refuse.</param>
public sealed record StatementCheck(bool SignatureValid, string? Problem, StatementClaims? Claims, bool Malformed = false);

/// <summary>A statement to issue: whose, in which group, which role (or membership), as of which day, for how long.</summary>
public sealed record IssueStatement(Guid StatementId, string GroupId, string Username, RoleKind? Role, LocalDate AsOf, int ValidDays);

/// <summary>What the roster says the person held on the statement's day, as the ledger knows it now.</summary>
public sealed record HeldOnDay(bool Member, IReadOnlyList<(RoleKind Role, string? Title)> Roles);

public static class Statements
{
    public const int MaxValidDays = 731;

    /// <summary>When a statement stops holding: the end of its last day, UTC.</summary>
    public static Instant EndOf(LocalDate day) => day.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();

    /// <summary>Issue: refused unless the group was recognized on the day and the person held what the statement says.</summary>
    public static Decision Issue(IssueStatement command, HeldOnDay held, LocalDate? recognizedSince, RecognitionStatus statusOnDay, LocalDate today, Instant now, string keyId)
    {
        if (command.AsOf > today) return LedgerProblem.Field("asOf", $"{command.AsOf:yyyy-MM-dd} is after today: a statement says what held, not what will.");
        if (command.ValidDays is < 1 or > MaxValidDays) return LedgerProblem.Field("validDays", $"is between 1 and {MaxValidDays} days.");
        if (statusOnDay != RecognitionStatus.Recognized || recognizedSince is not { } since)
            return LedgerProblem.Rule("group-not-recognized",
                $"{command.GroupId} was {Recognizing.Describe(statusOnDay)} on {command.AsOf:yyyy-MM-dd}; statements are issued for recognized groups only.");
        string? title = null;
        if (command.Role is { } role)
        {
            if (!held.Roles.Any(r => r.Role == role))
                return LedgerProblem.Rule("role-not-held", $"{command.Username} did not hold the role {Json.Kind(role)} in {command.GroupId} on {command.AsOf:yyyy-MM-dd}.");
            title = held.Roles.First(r => r.Role == role).Title;
        }
        else if (!held.Member)
            return LedgerProblem.Rule("not-a-member", $"{command.Username} was not a member of {command.GroupId} on {command.AsOf:yyyy-MM-dd}.");
        return Decision.Accept(new AffiliationStatementIssued(command.StatementId, command.GroupId, command.Username, command.Role, title,
            command.AsOf, since, now, now.InUtc().Date.PlusDays(command.ValidDays), keyId));
    }

    /// <summary>Revoke an issued statement (the caller found it); revoking it again records nothing.</summary>
    public static Decision Revoke(Guid statementId, string groupId, string username, bool alreadyRevoked, Instant now) =>
        alreadyRevoked ? Decision.Accept() : Decision.Accept(new AffiliationStatementRevoked(statementId, groupId, username, now));

    /// <summary>The statement as a compact JWS (RFC 7515) signed with ES256: header.payload.signature, each base64url.</summary>
    public static string Sign(StatementClaims claims, ECDsa key, string keyId)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = keyId };
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(Payload(claims).ToJsonString()))}";
        // .NET signs ECDSA as r‖s (IEEE P1363), the form JWS asks for.
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256);
        return $"{input}.{Base64Url(signature)}";
    }

    /// <summary>Checks a token against the public keys given (a JWKS's keys by id), and its expiry at <paramref name="now"/>.</summary>
    public static StatementCheck Check(string token, IReadOnlyDictionary<string, ECDsa> keys, Instant now)
    {
        var parts = token.Trim().Split('.');
        if (parts.Length != 3) return new(false, "is not a compact JWS (three base64url parts separated by dots).", null, Malformed: true);
        JsonNode? header, payload;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(FromBase64Url(parts[0]));
            payload = JsonNode.Parse(FromBase64Url(parts[1]));
            signature = FromBase64Url(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return new(false, "is not a compact JWS: a part is not base64url-encoded JSON.", null, Malformed: true);
        }
        if (header is not JsonObject || payload is not JsonObject) return new(false, "is not a compact JWS: its header and payload are JSON objects.", null, Malformed: true);
        if (header["alg"] is not JsonValue alg || !alg.TryGetValue<string>(out var algorithm) || algorithm != "ES256") return new(false, "is not signed with ES256.", null);
        if (header["kid"] is not JsonValue kidValue || !kidValue.TryGetValue<string>(out var kid) || !keys.TryGetValue(kid, out var key))
            return new(false, "names a key this ledger did not publish.", null);
        if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256))
            return new(false, "has a signature that does not match its content: it was altered, or signed by another key.", null);
        var claims = ReadClaims(payload!);
        if (claims is null) return new(true, "is signed but does not carry a statement's claims.", null);
        return claims.ExpiresAt <= now
            ? new(true, $"expired at {claims.ExpiresAt}.", claims)
            : new(true, null, claims);
    }

    private static JsonObject Payload(StatementClaims c) => new()
    {
        ["iss"] = c.Issuer,
        ["jti"] = c.StatementId.ToString(),
        ["sub"] = c.Username,
        ["iat"] = c.IssuedAt.ToUnixTimeSeconds(),
        ["exp"] = c.ExpiresAt.ToUnixTimeSeconds(),
        ["group"] = c.GroupId,
        ["groupName"] = c.GroupName,
        ["role"] = c.Role is { } role ? Json.Kind(role) : "member",
        ["title"] = c.Title,
        ["asOf"] = c.AsOf.ToString("yyyy-MM-dd", null),
        ["recognizedSince"] = c.RecognizedSince.ToString("yyyy-MM-dd", null),
    };

    private static StatementClaims? ReadClaims(JsonNode p)
    {
        try
        {
            var role = p["role"]!.GetValue<string>();
            return new StatementClaims(Guid.Parse(p["jti"]!.GetValue<string>()), p["iss"]!.GetValue<string>(), p["sub"]!.GetValue<string>(),
                p["group"]!.GetValue<string>(), p["groupName"]!.GetValue<string>(), role == "member" ? null : WireNames<RoleKind>.Parse(role),
                p["title"]?.GetValue<string>(), NodaTime.Text.LocalDatePattern.Iso.Parse(p["asOf"]!.GetValue<string>()).Value,
                NodaTime.Text.LocalDatePattern.Iso.Parse(p["recognizedSince"]!.GetValue<string>()).Value,
                Instant.FromUnixTimeSeconds(p["iat"]!.GetValue<long>()), Instant.FromUnixTimeSeconds(p["exp"]!.GetValue<long>()));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException or NodaTime.Text.UnparsableValueException)
        {
            return null;
        }
    }

    /// <summary>A public key as a JSON Web Key (RFC 7517), the form a JWKS publishes.</summary>
    public static JsonObject Jwk(ECDsa key, string keyId)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url(p.Q.X!), ["y"] = Base64Url(p.Q.Y!), ["kid"] = keyId, ["use"] = "sig", ["alg"] = "ES256",
        };
    }

    /// <summary>A public key read from its JSON Web Key: all a verifier needs.</summary>
    public static ECDsa FromJwk(JsonNode jwk) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = FromBase64Url(jwk["x"]!.GetValue<string>()), Y = FromBase64Url(jwk["y"]!.GetValue<string>()) },
    });

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

/// <summary>A statement as the ledger answers for it: what it says, the stream it is on, and whether it was revoked.</summary>
public sealed class StatementRecord
{
    public Guid Id { get; set; }
    public string StreamKey { get; set; } = "";
    public string GroupId { get; set; } = "";
    public string Username { get; set; } = "";
    public RoleKind? Role { get; set; }
    public string? Title { get; set; }
    public LocalDate AsOf { get; set; }
    public LocalDate RecognizedSince { get; set; }
    public Instant IssuedAt { get; set; }
    public Instant ExpiresAt { get; set; }
    public string KeyId { get; set; } = "";
    public Instant? RevokedAt { get; set; }
}

/// <summary>Keeps <see cref="StatementRecord"/> documents inline with issuing and revoking (rebuilt, as every projection, after an erasure).</summary>
public sealed partial class StatementProjection : Marten.Events.Projections.EventProjection, MembershipLedger.Storage.IWritesDocuments
{
    public IEnumerable<Type> Documents => [typeof(StatementRecord)];

    public StatementProjection()
    {
        Name = "statements";
        IncludeType<AffiliationStatementIssued>();
        IncludeType<AffiliationStatementRevoked>();
        IncludeType<MembershipLedger.People.AccountRenamed>();
    }

    public override async ValueTask ApplyAsync(Marten.IDocumentOperations operations, JasperFx.Events.IEvent e, CancellationToken cancellation)
    {
        switch (e.Data)
        {
            case AffiliationStatementIssued s:
                operations.Store(new StatementRecord
                {
                    Id = s.StatementId, StreamKey = e.StreamKey!, GroupId = s.GroupId, Username = s.Username, Role = s.Role, Title = s.Title, AsOf = s.AsOf,
                    RecognizedSince = s.RecognizedSince, IssuedAt = s.IssuedAt, ExpiresAt = Statements.EndOf(s.ExpiresOn), KeyId = s.KeyId,
                });
                break;
            case AffiliationStatementRevoked r when await operations.LoadAsync<StatementRecord>(r.StatementId, cancellation) is { } record:
                record.RevokedAt = r.RevokedAt;
                operations.Store(record);
                break;
            case MembershipLedger.People.AccountRenamed renamed:
                // A renamed person's statements answer under their new name; the stream keeps its key.
                foreach (var statement in await Marten.QueryableExtensions.ToListAsync(operations.Query<StatementRecord>().Where(x => x.StreamKey == e.StreamKey), cancellation))
                {
                    statement.Username = renamed.NewName;
                    operations.Store(statement);
                }
                break;
        }
    }
}
