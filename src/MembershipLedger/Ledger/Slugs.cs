using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MembershipLedger.Ledger;

/// <summary>Readable ids for streams (groups, activities, grants): lower-case letters, digits and single hyphens.</summary>
public static partial class Slugs
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();

    public const string Rule = "must be 3–64 lower-case letters, digits and single hyphens, e.g. ma-strategy-salon-2019.";

    public static bool IsSlug(string? id) => id is { Length: >= 3 and <= 64 } && Pattern().IsMatch(id);

    /// <summary>A slug made from free text: "Regional meet-ups: working towards common goals" → regional-meet-ups-working-towards-common-goals.</summary>
    public static string From(string text, int maxLength = 64)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9') builder.Append(lower);
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        var slug = builder.ToString().Trim('-');
        if (slug.Length > maxLength) slug = slug[..maxLength].TrimEnd('-');
        return slug;
    }
}
