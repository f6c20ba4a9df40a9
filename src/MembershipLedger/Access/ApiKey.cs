using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Marten;
using NodaTime;

namespace MembershipLedger.Access;

/// <summary>What a key's holder may do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccessRole>))]
public enum AccessRole
{
    /// <summary>Everything: every group's writes, imports, erasures, renames, verifying the chain.</summary>
    [JsonStringEnumMemberName("admin")] Admin,
    /// <summary>Reads everything, personal data included; writes nothing.</summary>
    [JsonStringEnumMemberName("auditor")] Auditor,
    /// <summary>Writes one named group: its profile, memberships, roles, activities and grants; reads its personal data.</summary>
    [JsonStringEnumMemberName("organizer")] Organizer,
}

/// <summary>
/// An API key as stored: never the secret, only its SHA-256. Secrets are 256 random bits, so a fast hash is enough
/// (a slow password hash protects guessable secrets; these are not guessable) and a stolen table yields no key.
/// </summary>
/// <param name="Id">The key's public part, which the token starts with; listing and revoking name it.</param>
/// <param name="Principal">Who holds it: the name every event it appends is recorded under.</param>
/// <param name="GroupId">The group an organizer key writes; null for the other roles.</param>
public sealed record ApiKey(
    string Id, string Principal, AccessRole Role, string? GroupId, string SecretHash, Instant CreatedAt, string CreatedBy, Instant? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Issues, recognizes and revokes API keys. A token reads <c>mlk_{id}_{secret}</c>.</summary>
public static class ApiKeys
{
    private const string Prefix = "mlk_";

    public sealed record Issued(ApiKey Key, string Token);

    /// <summary>Why a request for a key is refused, or null.</summary>
    public static string? Invalid(string principal, AccessRole role, string? groupId) => (principal, role, groupId) switch
    {
        ({ Length: 0 or > 100 }, _, _) => "The principal needs 1 to 100 characters.",
        (_, AccessRole.Organizer, null or "") => "An organizer key names the group it writes (--group).",
        (_, not AccessRole.Organizer, { Length: > 0 }) => "Only an organizer key names a group.",
        _ when principal.Any(char.IsControl) => "The principal may not contain control characters.",
        _ => null,
    };

    public static Issued Issue(string principal, AccessRole role, string? groupId, Instant now, string createdBy)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(id, principal, role, role == AccessRole.Organizer ? groupId : null, Hash(secret), now, createdBy, null);
        return new Issued(key, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The key a token belongs to when it is genuine and not revoked; null otherwise.</summary>
    public static async Task<ApiKey?> RecognizeAsync(IQuerySession session, string token, CancellationToken ct)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        var parts = token[Prefix.Length..].Split('_', 2);
        if (parts.Length != 2 || parts[0].Length != 12 || !parts[0].All(Uri.IsHexDigit)) return null;
        var key = await session.LoadAsync<ApiKey>(parts[0], ct);
        if (key is null || key.IsRevoked) return null;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(parts[1])), Encoding.ASCII.GetBytes(key.SecretHash)) ? key : null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
