using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace MembershipLedger.Ledger;

/// <summary>
/// Wikimedia account names as MediaWiki stores them: Unicode NFC, underscores and the other spaces MediaWiki folds are
/// one space, runs of spaces fold, the first letter is upper case, and a copied <c>User:</c> prefix is not part of the
/// name. Two spellings of one account therefore land on one member; a look-alike spelling does not, and
/// <see cref="Skeleton"/> lets the ledger flag it.
/// </summary>
public static partial class Usernames
{
    /// <summary>Characters MediaWiki never allows in an account name.</summary>
    private const string Forbidden = "#<>[]|{}/@:";

    public const int MaxLength = 85;

    public static string Normalize(string raw)
    {
        var name = raw.Trim();
        // MediaWiki compares titles in NFC: a decomposed "é" (e + U+0301) is the same account as a composed one.
        if (!name.IsNormalized(NormalizationForm.FormC)) name = name.Normalize(NormalizationForm.FormC);
        if (name.StartsWith("User:", StringComparison.OrdinalIgnoreCase)) name = name[5..];
        name = Spaces().Replace(name.Replace('_', ' '), " ").Trim();
        if (name.Length == 0) return name;
        // Upper-casing the first letter must not split a surrogate pair (𝒜…): take the first text element.
        var first = StringInfo.GetNextTextElementLength(name);
        return name[..first].ToUpperInvariant() + name[first..];
    }

    /// <summary>Null when the normalized name is a valid account name, else why not.</summary>
    public static string? Invalid(string normalized, bool isOrganization)
    {
        if (normalized.Length == 0) return "must not be empty";
        if (normalized.Length > MaxLength) return $"must be at most {MaxLength} characters";
        if (normalized.Any(char.IsControl)) return "must not contain control characters";
        if (Invisible(normalized) is { } invisible)
            return $"must not contain invisible, bidirectional or private-use characters (U+{invisible:X4}): a name that looks like another must not be another";
        if (isOrganization) return null;
        if (IsIpAddress(normalized)) return "is an IP address: anonymous contributors are not accounts and cannot be members";
        if (normalized.IndexOfAny(Forbidden.ToCharArray()) >= 0)
            return $"must not contain any of {Forbidden} (MediaWiki forbids them in account names)";
        return null;
    }

    /// <summary>
    /// A key under which look-alike spellings meet: compatibility forms folded (fullwidth Ａ is A), accents dropped, case
    /// folded, and the Cyrillic and Greek letters that are drawn like Latin ones read as Latin. Two different names with
    /// one skeleton may be one person signing twice; the ledger flags such a sign-up rather than refusing it, so a person
    /// decides. A subset of Unicode's confusables (UTS #39) covering the scripts of the Latin, Cyrillic and Greek wikis.
    /// </summary>
    public static string Skeleton(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format or UnicodeCategory.EnclosingMark) continue;
            var lower = char.ToLowerInvariant(c);
            builder.Append(LatinLookAlikes.TryGetValue(lower, out var latin) ? latin : lower);
        }
        return Spaces().Replace(builder.ToString().Replace('_', ' '), " ").Trim();
    }

    private static readonly Dictionary<char, char> LatinLookAlikes = new()
    {
        // Cyrillic
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p',
        ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j', ['ԁ'] = 'd',
        ['ԛ'] = 'q', ['ԝ'] = 'w', ['һ'] = 'h', ['ӏ'] = 'l', ['ɡ'] = 'g',
        // Greek
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p',
        ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ζ'] = 'z',
        // Latin letters and digits drawn alike
        ['ı'] = 'i', ['ł'] = 'l', ['0'] = 'o', ['1'] = 'l', ['|'] = 'l',
    };

    /// <summary>The first character no one can see or that reorders what one sees, or null.</summary>
    private static int? Invisible(string name)
    {
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            // Format: soft hyphen, zero-width (non-)joiners and spaces, bidirectional marks, embeddings and isolates, BOM.
            if (category is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
                return rune.Value;
            if (rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800) return rune.Value; // Hangul fillers, the braille blank
        }
        return null;
    }

    /// <summary>IPv4 in dotted quads or IPv6: MediaWiki shows edits of logged-out contributors under their address.</summary>
    public static bool IsIpAddress(string name) =>
        (Ipv4().IsMatch(name) && IPAddress.TryParse(name, out _))
        || (name.Contains(':') && IPAddress.TryParse(name, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6);

    // MediaWiki folds these into one space as it does underscores (Title::secureAndSplit).
    [GeneratedRegex(@"[\s\u00A0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex Ipv4();
}
