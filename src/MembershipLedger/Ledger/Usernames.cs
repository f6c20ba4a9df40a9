using System.Text.RegularExpressions;

namespace MembershipLedger.Ledger;

/// <summary>
/// Wikimedia account names as MediaWiki stores them: underscores are spaces, runs of spaces fold,
/// the first letter is upper case, and a copied <c>User:</c> prefix is not part of the name.
/// Two spellings of one account therefore land on one member.
/// </summary>
public static partial class Usernames
{
    /// <summary>Characters MediaWiki never allows in an account name.</summary>
    private const string Forbidden = "#<>[]|{}/@:";

    public const int MaxLength = 85;

    public static string Normalize(string raw)
    {
        var name = raw.Trim();
        if (name.StartsWith("User:", StringComparison.OrdinalIgnoreCase)) name = name[5..];
        name = Spaces().Replace(name.Replace('_', ' '), " ").Trim();
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>Null when the normalized name is a valid account name, else why not.</summary>
    public static string? Invalid(string normalized, bool isOrganization)
    {
        if (normalized.Length == 0) return "must not be empty";
        if (normalized.Length > MaxLength) return $"must be at most {MaxLength} characters";
        if (normalized.Any(char.IsControl)) return "must not contain control characters";
        if (!isOrganization && normalized.IndexOfAny(Forbidden.ToCharArray()) >= 0)
            return $"must not contain any of {Forbidden} (MediaWiki forbids them in account names)";
        return null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
