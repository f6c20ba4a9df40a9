using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MembershipLedger.Memberships.SignatureLists;
using NodaTime;
using NodaTime.Text;

namespace MembershipLedger.Tests.Imports.SignaturePages;

/// <summary>How a person hands the importer a page: its HTML, its wikitext, or its text as a browser copies it.</summary>
public enum InputKind { Html, Wikitext, Rendered }

/// <summary>
/// The signatures of a real discussion page (from DiscussionTools' test cases: see README.md here), each exactly as the
/// page's HTML holds it, with the author and instant DiscussionTools' own tests expect: as a list of the three forms a
/// person could paste. The HTML is the signatures as MediaWiki rendered them, an item each; the rendered text and the
/// wikitext are made from it as a browser's copy (numbered, as the Tajik seed list was copied) and as the page's source
/// (<c># [[User:Name|shown]] …</c>) would show each item.
/// </summary>
public sealed partial record SignaturePage(string Name, string Language, string Source)
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Imports", "SignaturePages");

    public string Html => File.ReadAllText(Path.Combine(Folder, Name + ".html"));

    /// <summary>Each signature's author (an account, or an address for an anonymous one) and instant, in the list's order.</summary>
    public IReadOnlyList<(string Author, Instant At)> Expected =>
        File.ReadAllLines(Path.Combine(Folder, Name + ".expected.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(p => (p[0], InstantPattern.ExtendedIso.Parse(p[1]).Value))
            .ToList();

    public string Input(InputKind kind) => kind switch
    {
        InputKind.Html => Html,
        InputKind.Wikitext => string.Join("\n", Items(Html).Select(item => "# " + Wikitext(item))),
        _ => string.Join("\n", Items(Html).Select((item, i) => $"{i + 1}. {Rendered(item)}")),
    };

    [GeneratedRegex(@"<li>(?<item>.*?)</li>\n", RegexOptions.Singleline)]
    private static partial Regex Item();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"<a\s[^>]*?href=""(?<href>[^""]*)""[^>]*>(?<shown>.*?)</a>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Anchor();

    private static IEnumerable<string> Items(string html) => Item().Matches(html).Select(m => m.Groups["item"].Value);

    /// <summary>What a reader sees of a signature: what its links show in place of the links.</summary>
    public static string Rendered(string html) => WebUtility.HtmlDecode(Tag().Replace(html, "")).Trim();

    /// <summary>A signature's wikitext, rebuilt from its HTML: each wiki link back to <c>[[Title|shown]]</c>, formatting dropped.</summary>
    public static string Wikitext(string html)
    {
        var linked = Anchor().Replace(html, m =>
        {
            var shown = WebUtility.HtmlDecode(Tag().Replace(m.Groups["shown"].Value, ""));
            var href = WebUtility.HtmlDecode(m.Groups["href"].Value);
            if (UserLinks.TitleOf(href) is not { } title || title.Length == 0) return href.StartsWith("http", StringComparison.Ordinal) || href.StartsWith("//", StringComparison.Ordinal) ? $"[{href} {shown}]" : shown;
            return shown == title ? $"[[{title}]]" : $"[[{title}|{shown}]]";
        });
        return WebUtility.HtmlDecode(Tag().Replace(linked, "")).Trim();
    }

    /// <summary>The pages, with the wiki's language and where each was saved from.</summary>
    public static readonly IReadOnlyList<SignaturePage> All =
    [
        new("pl-big", "pl", "https://pl.wikipedia.org/w/index.php?action=render&title=Wikipedia:Kawiarenka/Artyku%C5%82y_dyskusja/Archiwum/2018-pa%C5%BAdziernik&oldid=55171451"),
        new("fake-headings", "pl", "https://pl.wikipedia.org/w/index.php?title=Wikipedia:Propozycje_do_Artyku%C5%82%C3%B3w_na_Medal/Aposto%C5%82_Pawie%C5%82&action=render"),
        new("en-big", "en", "https://en.wikipedia.org/w/index.php?action=render&title=Wikipedia:Village_pump_(technical)/Archive_175&oldid=913983958"),
        new("fr-unsigned", "fr", "https://fr.wikipedia.org/w/index.php?title=Discussion:Le_Monde&oldid=170426593&action=render"),
        new("it-unsigned", "it", "https://it.wikipedia.org/w/index.php?title=Aiuto:Sportello_informazioni&oldid=116856029&action=render"),
        new("sr-cyrl", "sr", "https://sr.wikipedia.org/w/index.php?title=Википедија:Трг/Архива/Техника/35&variant=sr-cyrl&action=render"),
        new("sr-latn", "sr", "https://sr.wikipedia.org/w/index.php?title=Википедија:Трг/Архива/Техника/35&variant=sr-latn&action=render"),
        new("ar-nbsp-timezone", "ar", "https://ar.wikipedia.org/wiki/ويكيبيديا:إخفاء_أرقام_الآي_بي?oldid=46583196&action=render"),
        new("ar-no-paragraph", "ar", "https://ar.wikipedia.org/w/index.php?action=render&title=نقاش_المستخدم:Khaled&oldid=45576943"),
        new("ckb-big", "ckb", "https://ckb.wikipedia.org/w/index.php?title=ویکیپیدیا:دیوەخان_(پێشنیارەکان)&oldid=638545&action=render"),
        new("lrm-signature", "nl", "nl.wikipedia.org (DiscussionTools test case: a signature typed by hand, with a left-to-right mark)"),
        new("fallback-encoding-link", "hu", "hu.wikipedia.org (DiscussionTools test case: a user link in a fallback 8-bit encoding)"),
    ];

    /// <summary>How one reading of the list compares with the known authors and instants.</summary>
    /// <param name="Lines">The lines counted: all of them, or in rendered text those that show the account at all.</param>
    /// <param name="Unknowable">Rendered lines that show another name than the account (a nickname): no text reader can tell who signed.</param>
    public sealed record Score(int Lines, int Right, IReadOnlyList<string> Missed, IReadOnlyList<string> Wrong, int Unknowable)
    {
        public double Accuracy => Lines == 0 ? 1 : (double)Right / Lines;
    }

    /// <summary>
    /// Reads the list in one form and compares each line with its known signature: right when the line was read as
    /// that author (the account, or the address of an anonymous contributor) and that instant; wrong when read as
    /// another person or another instant; missed when not read. In rendered text a line whose text does not show the
    /// account (the signature displays a nickname) cannot be read right by anyone, and is counted apart.
    /// </summary>
    public Score Measure(InputKind kind)
    {
        var reading = SignatureList.Read(Input(kind), Language);
        var byLine = reading.Signatures.Concat(reading.Repeats.Select(r => r.Repeat)).Concat(reading.Bots)
            .Select(s => (s.Line, Author: s.Username, s.SignedAt))
            .Concat(reading.Anonymous.Select(a => (a.Line, Author: a.Address, a.SignedAt)))
            .ToDictionary(r => r.Line);
        var unread = reading.Unread.ToDictionary(u => u.Line, u => u.Why);
        var first = kind == InputKind.Html ? 3 : 1; // the HTML list's items start after its comment and <ol>
        var items = Items(Html).ToList();
        var (lines, right, unknowable) = (0, 0, 0);
        var (missed, wrong) = (new List<string>(), new List<string>());
        for (var i = 0; i < Expected.Count; i++)
        {
            var (author, at) = Expected[i];
            var line = first + i;
            if (kind == InputKind.Rendered && !Shows(Rendered(items[i]), author))
            {
                unknowable++;
                continue;
            }
            lines++;
            if (!byLine.TryGetValue(line, out var read))
                missed.Add($"line {line}: {author} {at}: {(unread.TryGetValue(line, out var why) ? why : "skipped")} ← {Rendered(items[i])}");
            else if (Key(read.Author) == Key(author) && read.SignedAt == at) right++;
            else wrong.Add($"line {line}: read {read.Author} {read.SignedAt}, signed {author} {at} ← {Rendered(items[i])}");
        }
        return new Score(lines, right, missed, wrong, unknowable);
    }

    // Whether a signature's text shows its account: as MediaWiki spells it, but for the case of its first letter (which
    // MediaWiki does not keep). "qedk" for QEDK is another case, so a nickname as far as text can tell.
    private static bool Shows(string text, string author)
    {
        var spaced = text.Replace('_', ' ');
        var name = author.Replace('_', ' ');
        return spaced.Contains(name, StringComparison.Ordinal)
            || spaced.Contains(char.ToLowerInvariant(name[0]) + name[1..], StringComparison.Ordinal);
    }

    // Accounts compare as MediaWiki does (underscores as spaces, first letter upper case); addresses by their value.
    private static string Key(string author) =>
        IPAddress.TryParse(author, out var address) && author.Count(c => c is '.' or ':') >= 2
            ? address.ToString()
            : MembershipLedger.Ledger.Usernames.Normalize(author);

    public override string ToString() => Name;
}
