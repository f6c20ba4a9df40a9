using System.Net;
using System.Text.RegularExpressions;
using MembershipLedger.Ledger;

namespace MembershipLedger.Memberships.SignatureLists;

/// <summary>
/// A list (or a discussion page) as HTML, saved from the browser or from MediaWiki's parse API. There the account is the
/// target of the signature's user or user-talk link, never the text it displays: "StoK" shown, Wikipedysta:Stok signed.
/// Each paragraph or list item is read: its last time is the signature's, its last link to a user page (in the wiki's
/// own namespace names, or a contributions page) names who signed. Paragraphs with neither are the page around the list
/// and are skipped; one with a time but no user link is reported.
/// </summary>
public static partial class SignatureHtml
{
    [GeneratedRegex(@"<a\s[^>]*?href=""(?<href>[^""]*)""[^>]*>(?<shown>.*?)</a>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Anchor();

    [GeneratedRegex(@"</p>|</li>|</dd>|</dt>|<br\s*/?>|</h[1-6]>|</div>|</td>|\n", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    public static bool LooksLikeHtml(string text) =>
        text.Contains("<a ", StringComparison.OrdinalIgnoreCase) && text.Contains("href=", StringComparison.OrdinalIgnoreCase)
        && (text.Contains("</li>", StringComparison.OrdinalIgnoreCase) || text.Contains("</p>", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart().StartsWith('<'));

    internal static void Read(string html, string? language, NodaTime.DateTimeZone? listZone, List<Signature> signatures, List<UnreadLine> unread, List<AnonymousLine> anonymous)
    {
        // Blocks and the line each starts on, in one pass over the page.
        var blocks = new List<(string Block, int Line)>();
        var (start, startLine) = (0, 1);
        foreach (var end in BlockEnd().EnumerateMatches(html))
        {
            blocks.Add((html[start..end.Index], startLine));
            startLine += html.AsSpan(start, end.Index + end.Length - start).Count('\n');
            start = end.Index + end.Length;
        }
        blocks.Add((html[start..], startLine));
        foreach (var (block, line) in blocks)
        {
            var text = WebUtility.HtmlDecode(Tag().Replace(block, "")).Trim();
            if (text.Length == 0) continue;
            var (time, zone, assumed, timeAt, problem) = SignatureList.FindTime(text, language, listZone);
            var (account, shown, contributions) = Signer(block);
            if (account is null)
            {
                if (time is not null || problem is not null) unread.Add(new UnreadLine(line, Shorten(text), problem ?? "has a time but no link to a user page: the signer's account cannot be told."));
                continue;
            }
            if (problem is not null)
            {
                unread.Add(new UnreadLine(line, Shorten(text), problem));
                continue;
            }
            // An address, whether linked as contributions or as a (talk) page of its own, is an anonymous contributor.
            if ((contributions || account.Count(c => c is '.' or ':') >= 2) && IPAddress.TryParse(account, out var address))
            {
                anonymous.Add(new AnonymousLine(line, address.ToString(), Shorten(text), time));
                continue;
            }
            var username = Usernames.Normalize(account);
            if (Usernames.Invalid(username, isOrganization: false) is { } invalid)
            {
                unread.Add(new UnreadLine(line, Shorten(text), $"the account '{username}' {invalid}."));
                continue;
            }
            var display = shown is { Length: > 0 } && Usernames.Normalize(shown) != username ? shown : null;
            signatures.Add(new Signature(line, username, time, time is null ? null : zone, assumed, Shorten(text), display));
        }
    }

    /// <summary>The account the block's last user-page link names, what that link shows, and whether it was a contributions link.</summary>
    private static (string? Account, string? Shown, bool Contributions) Signer(string block)
    {
        (string? Account, string? Shown, bool Contributions) found = (null, null, false);
        foreach (Match anchor in Anchor().Matches(block))
        {
            if (UserLinks.TitleOf(WebUtility.HtmlDecode(anchor.Groups["href"].Value)) is not { } title) continue;
            var shown = WebUtility.HtmlDecode(Tag().Replace(anchor.Groups["shown"].Value, "")).Trim();
            if (UserLinks.Signer(title) is not { } signer) continue;
            // The first link to an account keeps what it shows: the talk and contributions links after it show "talk", "c".
            found = found.Account == signer.Account ? found : (signer.Account, shown, signer.Contributions);
        }
        return found;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
