using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships.SignatureLists;

/// <summary>One signature understood on a line of a list.</summary>
/// <param name="SignedAt">The signature's instant, or null for a line without a time (an undated sign-up).</param>
/// <param name="Zone">The zone abbreviation the time was read in; "UTC" when the line gave none (Meta's default).</param>
/// <param name="ZoneAssumed">True when the line gave no zone and UTC was assumed.</param>
/// <param name="Shown">The name the signature displays when it differs from the account its link names (a custom
/// signature): the account is the member, and the report shows both.</param>
public sealed record Signature(int Line, string Username, Instant? SignedAt, string? Zone, bool ZoneAssumed, string Text, string? Shown = null);

/// <summary>A line that was not understood, and why.</summary>
public sealed record UnreadLine(int Line, string Text, string Why);

/// <summary>A line signed by an anonymous contributor: an IP address, which is no account and so no member.</summary>
/// <param name="SignedAt">When the line says the contribution was made, if it says.</param>
public sealed record AnonymousLine(int Line, string Address, string Text, Instant? SignedAt = null);

/// <summary>A list as read: one signature per person (the earliest when listed twice), and the lines not understood.</summary>
/// <param name="Repeats">Lines naming someone already listed, with the line of their first signature.</param>
/// <param name="Anonymous">Lines signed by an IP address (an unsigned-comment template, a contributions link): read, never members.</param>
/// <param name="Bots">Lines signed by a bot account (a name with a word ending in "bot", as the wikis' bot policies require): read, never members.</param>
public sealed record SignatureListReading(
    IReadOnlyList<Signature> Signatures, IReadOnlyList<(Signature Repeat, int FirstLine)> Repeats, IReadOnlyList<UnreadLine> Unread,
    IReadOnlyList<AnonymousLine> Anonymous, IReadOnlyList<Signature> Bots);

/// <summary>
/// Reads an "Interested in participating" list (or any run of signatures) as a reader copies it from the rendered page,
/// as its wikitext, or as its HTML (<see cref="SignatureHtml"/>): one signature a line. Times in the forms of the larger
/// wikis, with their month names and zone abbreviations; the account from the signature's user link where there is one
/// (wikitext, HTML), else from the shown name without its decorations (<see cref="RenderedName"/>). Nothing is guessed
/// that the page does not say: a line whose name or time cannot be read is reported with the reason. Measured on real
/// signatures of nine Wikipedias: tests/…/Imports/SignaturePages and docs/signature-lists.md.
/// </summary>
public static partial class SignatureList
{
    public const int MaxLines = 10_000;

    /// <summary>Zone abbreviations that signatures carry, with their offsets. Ambiguous ones (IST, CST in Asia) are not guessed.</summary>
    public static readonly IReadOnlyDictionary<string, Offset> Zones = new Dictionary<string, Offset>(StringComparer.Ordinal)
    {
        ["UTC"] = Offset.Zero, ["GMT"] = Offset.Zero, ["WET"] = Offset.Zero, ["WEZ"] = Offset.Zero,
        ["WEST"] = Offset.FromHours(1), ["WESZ"] = Offset.FromHours(1), ["BST"] = Offset.FromHours(1),
        ["CET"] = Offset.FromHours(1), ["MEZ"] = Offset.FromHours(1), ["CEST"] = Offset.FromHours(2), ["MESZ"] = Offset.FromHours(2),
        ["EET"] = Offset.FromHours(2), ["OEZ"] = Offset.FromHours(2), ["EEST"] = Offset.FromHours(3), ["OESZ"] = Offset.FromHours(3),
        ["MSK"] = Offset.FromHours(3), ["МСК"] = Offset.FromHours(3),
        ["EST"] = Offset.FromHours(-5), ["EDT"] = Offset.FromHours(-4), ["CDT"] = Offset.FromHours(-5),
        ["MST"] = Offset.FromHours(-7), ["MDT"] = Offset.FromHours(-6), ["PST"] = Offset.FromHours(-8), ["PDT"] = Offset.FromHours(-7),
        ["ART"] = Offset.FromHours(-3), ["BRT"] = Offset.FromHours(-3),
        ["ت ع م"] = Offset.Zero,
        ["JST"] = Offset.FromHours(9), ["KST"] = Offset.FromHours(9), ["HKT"] = Offset.FromHours(8), ["SGT"] = Offset.FromHours(8),
    };

    private static readonly Dictionary<string, int> Months = BuildMonths();

    /// <summary>
    /// Month names of every language .NET's cultures know (full, genitive and abbreviated, without a final dot, lower case):
    /// each name with the months it means and the languages that write it so. Most names mean one month wherever they are
    /// written; a few do not ("listopad" is November in Polish and Czech, October in Croatian), and need the list's language.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<int, SortedSet<string>>> CultureMonths = BuildCultureMonths();

    private static Dictionary<string, Dictionary<int, SortedSet<string>>> BuildCultureMonths()
    {
        var names = new Dictionary<string, Dictionary<int, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.AllCultures))
        {
            if (culture.Equals(CultureInfo.InvariantCulture) || culture.Calendar is not GregorianCalendar) continue;
            var format = culture.DateTimeFormat;
            foreach (var list in new[] { format.MonthNames, format.MonthGenitiveNames, format.AbbreviatedMonthNames, format.AbbreviatedMonthGenitiveNames })
                for (var month = 1; month <= 12 && month <= list.Length; month++)
                {
                    var name = Key(list[month - 1]);
                    // Names written with digits ("1月", "10월") are read by the patterns of those wikis, not as words.
                    if (name.Length == 0 || name.Any(char.IsDigit)) continue;
                    if (!names.TryGetValue(name, out var months)) names[name] = months = [];
                    if (!months.TryGetValue(month, out var languages)) months[month] = languages = new SortedSet<string>(StringComparer.Ordinal);
                    languages.Add(culture.TwoLetterISOLanguageName);
                }
        }
        return names;
    }

    private static string Key(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>The languages whose month names the reader knows: the two-letter codes of .NET's cultures.</summary>
    public static bool IsKnownLanguage(string? language) =>
        language is { Length: 2 or 3 } && CultureMonths.Values.Any(m => m.Values.Any(l => l.Contains(language)));

    /// <summary>The month a name means, in <paramref name="language"/> when given; or why it cannot be told.</summary>
    private static (int Month, string? Problem) MonthOf(string name, string? language)
    {
        // Hebrew writes the month with the preposition ב ("8 בדצמבר 2022"); Persian may add the ezafe's hamza ("ژانویهٔ").
        name = name.TrimEnd('\u0654');
        if (name.Length > 3 && name[0] == 'ב' && !Months.ContainsKey(name) && !CultureMonths.ContainsKey(Key(name))) name = name[1..];
        var key = Key(name);
        if (language is not null && CultureMonths.TryGetValue(key, out var inLanguage)
            && inLanguage.Where(m => m.Value.Contains(language)).Select(m => m.Key).ToList() is [var only])
            return (only, null);
        if (Months.TryGetValue(name, out var known)) return (known, null);
        if (!CultureMonths.TryGetValue(key, out var months))
            return (0, $"'{name}' is not a month name in any language this importer knows{(language is null ? "" : $" (the list's language: {language})")}.");
        if (months.Count == 1) return (months.Keys.Single(), null);
        return (0, $"'{name}' means {string.Join(", ", months.OrderBy(m => m.Key).Select(m => $"{new DateTime(2001, m.Key, 1).ToString("MMMM", CultureInfo.InvariantCulture)} in {string.Join("/", m.Value.Take(4))}"))}: "
            + "give the list's language (language=pl, for example).");
    }

    private static Dictionary<string, int> BuildMonths()
    {
        var months = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        void Add(int month, params string[] names)
        {
            foreach (var name in names) months[name] = month;
        }
        // English, French, German (full and abbreviated, with or without the dot), Spanish (full and abbreviated),
        // Russian (genitive, as dates are written, and nominative).
        Add(1, "January", "Jan", "janvier", "janv", "Januar", "Jän", "enero", "ene", "января", "январь");
        Add(2, "February", "Feb", "février", "févr", "Februar", "febrero", "февраля", "февраль");
        Add(3, "March", "Mar", "mars", "März", "Mär", "marzo", "марта", "март");
        Add(4, "April", "Apr", "avril", "avr", "abril", "abr", "апреля", "апрель");
        Add(5, "May", "mai", "Mai", "mayo", "мая", "май");
        Add(6, "June", "Jun", "juin", "Juni", "junio", "июня", "июнь");
        Add(7, "July", "Jul", "juillet", "juil", "Juli", "julio", "июля", "июль");
        Add(8, "August", "Aug", "août", "agosto", "ago", "августа", "август");
        Add(9, "September", "Sep", "Sept", "septembre", "sept", "septiembre", "setiembre", "сентября", "сентябрь");
        Add(10, "October", "Oct", "octobre", "Oktober", "Okt", "octubre", "октября", "октябрь");
        Add(11, "November", "Nov", "novembre", "noviembre", "ноября", "ноябрь");
        Add(12, "December", "Dec", "décembre", "déc", "Dezember", "Dez", "diciembre", "dic", "декабря", "декабрь");
        // The Persian Wikipedia's Gregorian months (.NET's Persian culture knows only the Solar Hijri ones).
        string[] persian = ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"];
        for (var month = 1; month <= 12; month++) Add(month, persian[month - 1]);
        // The Central Kurdish (Sorani) Wikipedia's months as MediaWiki writes them, nominative and genitive (.NET's differ).
        string[] sorani = ["کانوونی دووەم", "شوبات", "ئازار", "نیسان", "ئایار", "حوزەیران", "تەممووز", "ئاب", "ئەیلوول", "تشرینی یەکەم", "تشرینی دووەم", "کانوونی یەکەم"];
        for (var month = 1; month <= 12; month++) Add(month, sorani[month - 1], sorani[month - 1] + "ی");
        return months;
    }

    // Letters and their marks: the Persian Wikipedia writes "ژانویهٔ", the month with the ezafe's hamza.
    private const string Month = @"(?<month>[\p{L}\p{M}]+)\.?";
    // "(UTC)", "(MSK)", and the Arabic Wikipedia's "(ت ع م)" (UTC).
    private const string Zone = @"(?:\s*\((?<zone>[A-Za-zА-Яа-я]{2,5}|ت ع م)\))?";

    // English (Meta), Russian: "20:24, 8 December 2022 (UTC)"; German: "20:24, 8. Dez. 2022 (CET)"; Spanish: "20:24 8 dic 2022 (UTC)";
    // Turkish, with a dot in the time: "20.24, 8 Aralık 2022 (UTC)".
    [GeneratedRegex(@"(?<hour>\d{1,2})(?::|\.(?=\d{2},))(?<minute>\d{2}),?\s+(?<day>\d{1,2})\.?\s+" + Month + @"\s+(?<year>\d{4})\.?(?:\s*г\.)?" + Zone)]
    private static partial Regex TimeFirst();

    // Dutch (and the wikis that write the date first, then the time): "10 apr 2020 00:31 (CEST)"; Swedish "8 december 2022 kl.
    // 20.24 (CET)", Norwegian "8. des. 2022 kl. 20:24 (CET)", Finnish "8. joulukuuta 2022 kello 20.24 (EET)", Indonesian
    // "8 Desember 2022 20.24 (UTC)".
    [GeneratedRegex(@"(?<day>\d{1,2})\.?\s+" + Month + @"\s+(?<year>\d{4}),?\s+(?:kl\.\s*|klo\s+|kello\s+)?(?<hour>\d{1,2})[:.](?<minute>\d{2})" + Zone)]
    private static partial Regex DateThenTime();

    // Japanese and Chinese "2018年10月1日 (月) 18:20 (UTC)", Korean "2018년 10월 1일 (월) 18:20 (KST)": the month is a number.
    [GeneratedRegex(@"(?<year>\d{4})\s*[年년]\s*(?<month>\d{1,2})\s*[月월]\s*(?<day>\d{1,2})\s*[日일]\s*(?:[(（][^)）]{1,4}[)）])?\s*(?<hour>\d{1,2}):(?<minute>\d{2})" + Zone)]
    private static partial Regex YearFirst();

    // Central Kurdish (Sorani): "‏١٤:١٦، ١٦ی تشرینی یەکەمی ٢٠١٤ (UTC)", read with its digits and comma as 0–9 and ",": the
    // day takes the suffix ی, the month (one or two words) is genitive.
    [GeneratedRegex(@"(?<hour>\d{1,2}):(?<minute>\d{2})\s*,\s*(?<day>\d{1,2})ی\s+(?<month>[\p{L}\u200C]+(?:\s[\p{L}\u200C]+)?)\s+(?<year>\d{4})" + Zone)]
    private static partial Regex Sorani();

    // Hungarian: "2009. június 25., 12:46 (CEST)": the year first, dots after the year and the day.
    [GeneratedRegex(@"(?<year>\d{4})\.\s+" + Month + @"\s+(?<day>\d{1,2})\.,?\s+(?<hour>\d{1,2}):(?<minute>\d{2})" + Zone)]
    private static partial Regex YearDotFirst();

    // Czech and Slovak, the month a number: "8. 12. 2022, 20:24 (CET)".
    [GeneratedRegex(@"(?<day>\d{1,2})\.\s*(?<month>\d{1,2})\.\s*(?<year>\d{4}),?\s+(?<hour>\d{1,2}):(?<minute>\d{2})" + Zone)]
    private static partial Regex NumericDate();

    // Vietnamese: "20:24, ngày 8 tháng 12 năm 2022 (UTC)".
    [GeneratedRegex(@"(?<hour>\d{1,2}):(?<minute>\d{2}),?\s+ngày\s+(?<day>\d{1,2})\s+tháng\s+(?<month>\d{1,2}),?\s+năm\s+(?<year>\d{4})" + Zone)]
    private static partial Regex Vietnamese();

    // Portuguese: "18h20min de 1 de outubro de 2018 (UTC)".
    [GeneratedRegex(@"(?<hour>\d{1,2})h(?<minute>\d{2})min\s+de\s+(?<day>\d{1,2})\s+de\s+" + Month + @"\s+de\s+(?<year>\d{4})" + Zone)]
    private static partial Regex PortugueseTime();

    // French: "8 décembre 2022 à 20:24 (UTC)"; "1er décembre".
    [GeneratedRegex(@"(?<day>\d{1,2})(?:er)?\s+" + Month + @"\s+(?<year>\d{4})\s+(?:à|a)\s+(?<hour>\d{1,2})[:h](?<minute>\d{2})" + Zone)]
    private static partial Regex DateFirst();

    // A wiki link: [[Target]] or [[Target|shown text]] (the shown text may hold formatting, not another link).
    [GeneratedRegex(@"\[\[(?<target>[^\[\]\|]+)(?:\|(?<shown>(?:[^\[\]]|\[(?!\[))*))?\]\]")]
    private static partial Regex WikiLink();

    [GeneratedRegex(@"\{\{\s*(?:u|user|noping|ping|re|unsigned)\s*\|\s*(?<name>[^}\|]+)", RegexOptions.IgnoreCase)]
    private static partial Regex WikitextUserTemplate();

    // The talk link of a rendered signature, in the languages above: "(talk)", "(Talk)", "(discussion)", "(Diskussion)", "(disc)", "(обс.)".
    // Also the word of other large wikis: Polish, Italian, Dutch, Portuguese, Serbian, Ukrainian, Swedish, Czech, Hungarian,
    // Finnish, Indonesian, Vietnamese, Catalan, Norwegian, Romanian, Greek, Bulgarian, Persian, Arabic, Hebrew, Japanese,
    // Chinese and Korean.
    [GeneratedRegex(@"[(（]\s*(?:talk|talk page|mesaj|tartışma|discussion|discuter|disc\.?|Diskussion|Disk\.?|discusión|disc|обсуждение|обс\.?|dyskusja|dyskusji|discussioni|msg|overleg|discussão|разговор|razgovor|обговорення|diskuse|vita|keskustelu|bicara|thảo luận|discussió|diskusjon|discuție|συζήτηση|беседа|بحث|نقاش|שיחה|会話|讨论|討論|토론)\s*[)）]", RegexOptions.IgnoreCase)]
    private static partial Regex TalkLink();

    // What the page's tools add after a signature when it is copied: DiscussionTools' "Reply[reply]", the skip link.
    [GeneratedRegex(@"(?:\s*(?:Reply\s*\[reply\]|\[reply\]|\[répondre\]|Répondre\[répondre\]|\[Antworten\]|Antworten\[Antworten\]|\[responder\]|Responder\[responder\]|\[ответить\]|Ответить\[ответить\]|Jump to content|Reply))+\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ToolSuffix();

    // A list marker: "12.", "12)", "#", "*", "•", "#:" — the numbering a reader's copy keeps or a wikitext list.
    [GeneratedRegex(@"^\s*(?:\d{1,5}[.)]\s+|[#*•·]+:?\s*)")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"^(?:[a-z][a-z\-]{0,11}:)*(?:User|Utilisateur|Utilisatrice|Benutzer|Benutzerin|Usuario|Usuaria|Участник|Участница|Wikipedysta|Utente|Gebruiker|Корисник|Korisnik)\s*:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex UserPrefix();

    [GeneratedRegex(@"~{3,5}")]
    private static partial Regex Tildes();

    // Where an anonymous contributor's address stands: an unsigned-comment template ({{unsigned|203.0.113.7|…}},
    // {{Unsigned IP|…}}, {{unsigned2|date|address}}), a contributions or user-talk link, the English template's rendered
    // "Preceding unsigned comment added by 203.0.113.7", or a bare address where a name would be.
    [GeneratedRegex(@"(?<![\w:.])(?<address>(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?![\w:.])")]
    private static partial Regex AddressCandidate();

    /// <summary>The IP address a line is signed with, when the place of the signature's name holds one.</summary>
    private static string? AnonymousAddress(string text, int timeAt)
    {
        var before = timeAt >= 0 ? text[..timeAt] : text;
        foreach (Match m in AddressCandidate().Matches(before))
        {
            if (!System.Net.IPAddress.TryParse(m.Groups["address"].Value, out var address)) continue;
            var around = before[..m.Index];
            var signs = Regex.IsMatch(around, @"(\{\{\s*unsigned[^|}]*\|[^}]*$)|(Contributions|Beiträge|Contribuciones|Вклад)/\s*$|(?:User[ _]talk|Discussion[ _]utilisateur|Benutzer[ _]Diskussion|Usuario[ _]discusión|Обсуждение[ _]участника)\s*:\s*$|unsigned comment added by\s*$", RegexOptions.IgnoreCase)
                        || before[(m.Index + m.Length)..].TrimStart().StartsWith('(') || before.Trim().TrimStart('-', '—', '–', ' ').StartsWith(m.Value, StringComparison.Ordinal);
            if (signs) return address.ToString();
        }
        return null;
    }

    /// <param name="language">The wiki's language (pl, it, sr…), for month names that mean different months in different languages.</param>
    /// <param name="zone">The zone a line's time is read in when the line names none (the group's, or one given); UTC, Meta's default, when null.</param>
    public static SignatureListReading Read(string text, string? language = null, DateTimeZone? zone = null)
    {
        var signatures = new List<Signature>();
        var unread = new List<UnreadLine>();
        var anonymous = new List<AnonymousLine>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (SignatureHtml.LooksLikeHtml(text))
            SignatureHtml.Read(text, language, zone, signatures, unread, anonymous);
        else
        for (var i = 0; i < lines.Length && i < MaxLines; i++)
        {
            var raw = lines[i].Trim();
            if (raw.Length == 0) continue;
            var (signature, anonymousLine, why) = ReadLine(i + 1, raw, language, zone);
            if (signature is not null) signatures.Add(signature);
            else if (anonymousLine is not null) anonymous.Add(anonymousLine);
            else unread.Add(new UnreadLine(i + 1, raw, why!));
        }
        if (lines.Length > MaxLines)
            unread.Add(new UnreadLine(MaxLines + 1, "", $"Only the first {MaxLines} lines are read; split the list."));

        // A bot is no person: its lines are read and shown, never members.
        var bots = signatures.Where(s => IsBot(s.Username)).ToList();
        signatures.RemoveAll(bots.Contains);

        // A person listed twice is one member: their earliest signature counts (an undated one only when no other is dated).
        var kept = new List<Signature>();
        var repeats = new List<(Signature, int)>();
        foreach (var group in signatures.GroupBy(s => s.Username, StringComparer.Ordinal))
        {
            var first = group.OrderBy(s => s.SignedAt is null).ThenBy(s => s.SignedAt).ThenBy(s => s.Line).First();
            kept.Add(first);
            repeats.AddRange(group.Where(s => s != first).Select(s => (s, first.Line)));
        }
        return new SignatureListReading(kept.OrderBy(s => s.Line).ToList(), repeats.OrderBy(r => r.Item1.Line).ToList(), unread, anonymous, bots);
    }

    /// <summary>
    /// Whether an account is a bot's: the bot policies of Wikimedia wikis require the word "bot" in a bot's name
    /// ("InternetArchiveBot", "ClueBot NG", "Cyberbot II"); a few surnames end so too and are people.
    /// </summary>
    public static bool IsBot(string username) =>
        username.Split(' ').Any(w => w.EndsWith("bot", StringComparison.OrdinalIgnoreCase) && !NotBots.Contains(w));

    private static readonly HashSet<string> NotBots = new(StringComparer.OrdinalIgnoreCase) { "Abbot", "Talbot", "Cabot" };

    /// <summary>Reads one line: a signature, an anonymous contributor's line, or why neither.</summary>
    public static (Signature? Signature, AnonymousLine? Anonymous, string? Why) ReadLine(int number, string line, string? language = null, DateTimeZone? listZone = null)
    {
        var text = ToolSuffix().Replace(line, "");
        text = ListMarker().Replace(text, "").Trim();
        if (text.Length == 0) return (null, null, "holds no name.");
        if (Tildes().IsMatch(text)) return (null, null, "is an unsigned signature placeholder (~~~~).");

        // The time: the last one on the line is the signature's (an earlier one may be part of a comment).
        var (time, zone, assumed, timeAt, timeProblem) = FindTime(text, language, listZone);
        if (timeProblem is not null) return (null, null, timeProblem);

        string? name;
        string? shown = null;
        var isWikitext = text.Contains("[[", StringComparison.Ordinal) || text.Contains("{{", StringComparison.Ordinal);
        var before = timeAt >= 0 ? text[..timeAt] : text;
        if (isWikitext)
        {
            // The signature's link is the last user, user-talk or contributions link before the time (an earlier one may be
            // a mention in the comment); its target is the account, its text only what the page shows.
            (string Account, bool Contributions, string? Shown)? signer = null;
            foreach (Match link in WikiLink().Matches(before))
                if (UserLinks.Signer(System.Net.WebUtility.HtmlDecode(link.Groups["target"].Value).Replace('_', ' ')) is { } found)
                {
                    var linkShown = link.Groups["shown"].Success ? Regex.Replace(System.Net.WebUtility.HtmlDecode(link.Groups["shown"].Value), @"<[^>]+>|'{2,}", "").Trim() : null;
                    // The first link to an account keeps what it shows: the talk and contributions links after it show "talk", "c".
                    if (signer?.Account != found.Account) signer = (found.Account, found.Contributions, linkShown);
                }
            if (signer is null && WikitextUserTemplate().Match(before) is { Success: true } template)
                signer = (System.Net.WebUtility.HtmlDecode(template.Groups["name"].Value).Trim(), false, null);
            if (signer is null && AnonymousAddress(text, timeAt) is { } unsigned) return (null, new AnonymousLine(number, unsigned, line, time), null);
            if (signer is null) return (null, null, "is wikitext without a user link ([[User:…]]).");
            if (signer.Value.Account.Count(c => c is '.' or ':') >= 2 && System.Net.IPAddress.TryParse(signer.Value.Account, out var ip))
                return (null, new AnonymousLine(number, ip.ToString(), line, time), null);
            name = signer.Value.Account;
            shown = signer.Value.Shown;
        }
        else
        {
            if (AnonymousAddress(text, timeAt) is { } address) return (null, new AnonymousLine(number, address, line, time), null);
            var talk = TalkLink().Match(before);
            var hasUserPrefix = UserPrefix().IsMatch(before.TrimStart('-', '—', '–', ' '));
            if (!talk.Success && time is null && !hasUserPrefix)
                return (null, null, "shows no signature: no talk link, no User: prefix and no time.");
            name = RenderedName(talk.Success ? before[..talk.Index] : before);
        }

        var username = Usernames.Normalize(name);
        if (Usernames.Invalid(username, isOrganization: false) is { } invalid) return (null, null, $"the name '{Shorten(username)}' {invalid}.");
        if (username.Split(' ').Length > 6) return (null, null, $"'{Shorten(username)}' reads as a sentence, not an account name.");
        if (shown is { Length: > 0 } && Usernames.Normalize(shown) == username) shown = null;
        return (new Signature(number, username, time, time is null ? null : zone, assumed, line, shown is { Length: > 0 } ? shown : null), null, null);
    }

    // The words a custom signature shows for its talk and contributions links (or an invitation to write), bare or in
    // brackets, in the languages of the larger wikis: "Doug Weller talk", "Bishonen | talk", "(t 桜 c)", "علاء راسلني".
    private static readonly HashSet<string> LinkWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "talk", "t", "c", "contribs", "contributions", "contrib", "edits", "email", "chat", "discussion", "discuter", "discu", "disc", "diskussion",
        "disk", "discusión", "обсуждение", "обс", "вклад", "dyskusja", "dyskusji", "komentarz", "pisz", "napisz", "wkład", "discussioni", "msg",
        "scrivimi", "parliamone", "contributi", "overleg", "bijdragen", "discussão", "разговор", "razgovor", "доприноси", "doprinosi",
        "обговорення", "diskuse", "vita", "keskustelu", "bicara", "thảo luận", "discussió", "diskusjon", "discuție", "συζήτηση", "беседа",
        "بحث", "نقاش", "ناقش", "ناقشني", "ناقشه", "راسلني", "مساهمات", "שיחה", "会話", "讨论", "討論", "토론", "لێدوان", "وتووێژ", "بدوێ",
        "بەشدارییەکان", "beiträge", "mesaj", "tartışma",
    };

    // What the English, French and Italian unsigned-comment templates write before the name they give.
    [GeneratedRegex(@"^(?:Preceding unsigned comment added by|Message non signé de|Le message qui précède, non signé, a été déposé par|Il commento precedente non firmato è stato aggiunto da)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex UnsignedPhrase();

    /// <summary>
    /// The account name in the text a rendered signature shows before its time, its decorations taken off by the rules
    /// docs/signature-lists.md lists, in this order: a "User:" prefix; everything from a character MediaWiki forbids in
    /// account names (| / [ ] { } &lt; &gt; # @, a colon before a space); then, from the end, symbols, emoji and
    /// separators, a bracket holding only link words, abbreviations of one or two letters and symbols, and a link word
    /// (the talk or contributions link) as the last word or run into the name; then what precedes a "--" or a spaced dash.
    /// </summary>
    internal static string RenderedName(string text)
    {
        var name = UserPrefix().Replace(TrimDecoration(text), "");
        if (Forbidden().Match(name) is { Success: true, Index: > 0 } forbidden) name = name[..forbidden.Index];
        name = TrimEnd(name);
        // "… comment text. --Name": a double dash or a spaced dash begins the signature.
        if (SignatureDash().Matches(name) is { Count: > 0 } dashes && dashes[^1] is var dash
            && name[(dash.Index + dash.Length)..] is var after && after.Any(char.IsLetter))
            name = after;
        name = UnsignedPhrase().Replace(UserPrefix().Replace(TrimDecoration(name), ""), "");
        return TrimEnd(name).Trim();
    }

    [GeneratedRegex(@"[|/\[\]{}<>#@｜]|:(?=\s|$)|\s-\s")]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"--+|\s[—–]\s?|^[—–]\s?")]
    private static partial Regex SignatureDash();

    private static string TrimEnd(string name)
    {
        for (var changed = true; changed && name.Length > 0;)
        {
            var was = name;
            name = TrimDecoration(name);
            // A bracket at the end that holds only link words, abbreviations and symbols: "(t 桜 c)", "(✉)", "(talk!)", "【〒】".
            if (name.Length > 0 && CharUnicodeInfo.GetUnicodeCategory(name[^1]) == UnicodeCategory.ClosePunctuation)
            {
                var open = name.Length - 2;
                while (open >= 0 && CharUnicodeInfo.GetUnicodeCategory(name[open]) != UnicodeCategory.OpenPunctuation) open--;
                if (open >= 0 && Words(name[(open + 1)..^1]).All(IsDecorationWord)) name = name[..open];
            }
            // A link word as the last word, or run into the name: "Doug Weller talk", "huji—TALK", "Bruce1eetalk", "Tahaلێدوان".
            var words = Words(name);
            if (words.Length > 1 && (IsLinkWord(words[^1]) || !words[^1].Any(char.IsLetterOrDigit)))
                name = name[..name.LastIndexOf(words[^1], StringComparison.Ordinal)];
            else if (GluedLinkWord(name) is { } glued)
                name = name[..^glued.Length];
            changed = name != was;
        }
        return name;
    }

    private static string[] Words(string text) => text.Split((char[])[' ', '\u00A0', '\u2009', '\u202F', '\t', '‐', '—', '–', '·', '•', '⋅', ','], StringSplitOptions.RemoveEmptyEntries);

    // A word compared with the link words as a reader sees it: without the symbols around it, the Arabic stretching
    // (tatweel) or vowel marks ("نــــاقــــشــــهُ" is "ناقشه").
    private static bool IsLinkWord(string word)
    {
        var plain = new string(TrimDecoration(word).Where(c => c != '\u0640' && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray())
            .Trim('!', '?', '.', '"', '\'');
        return LinkWords.Contains(plain);
    }

    private static bool IsDecorationWord(string word) =>
        IsLinkWord(word) || new StringInfo(TrimDecoration(word)).LengthInTextElements <= 2 || !word.Any(char.IsLetterOrDigit)
        || LinkWords.Any(w => w.Length >= 4 && word.EndsWith(w, StringComparison.OrdinalIgnoreCase));

    // A link word run into the name: "Bruce1eetalk", "Davey2010Talk", "CAPTAIN MEDUSAtalk", "Tahaلێدوان".
    private static string? GluedLinkWord(string name)
    {
        foreach (var word in LinkWords)
        {
            if (word.Length < 4 || name.Length < word.Length + 3 || !name.EndsWith(word, StringComparison.OrdinalIgnoreCase)) continue;
            if (char.IsLetterOrDigit(name[^(word.Length + 1)])) return name[^word.Length..];
        }
        return null;
    }

    private static string TrimDecoration(string name)
    {
        var runes = name.EnumerateRunes().ToList();
        var (start, end) = (0, runes.Count);
        while (start < end && (IsDecoration(runes[start]) || Rune.IsWhiteSpace(runes[start]))) start++;
        while (end > start && (IsDecoration(runes[end - 1]) || Rune.IsWhiteSpace(runes[end - 1]) || runes[end - 1].Value is '(' or '（' or ',')) end--;
        return string.Concat(runes.Skip(start).Take(end - start).Select(r => r.ToString()));
    }

    // Symbols, emoji, quotes and the separators signatures put between the name and its links; never letters, digits,
    // dots or apostrophes.
    private static bool IsDecoration(Rune rune) =>
        rune.Value is '|' or '•' or '·' or '⋅' or '~' or '/' or '\\' or '*' or ':' or '"' or '\u200D' or '\uFE0F'
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.DashPunctuation or UnicodeCategory.PrivateUse or UnicodeCategory.Format or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.Surrogate;

    /// <summary>
    /// The text as the time patterns read it, character for character (so positions stay those of the line): Arabic-Indic
    /// and Persian digits as 0–9, the Arabic comma as a comma, no-break spaces and direction marks as spaces.
    /// </summary>
    private static string ForTimes(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            span[i] = source[i] switch
            {
                >= '\u0660' and <= '\u0669' and var c => (char)('0' + (c - '\u0660')),
                >= '\u06F0' and <= '\u06F9' and var c => (char)('0' + (c - '\u06F0')),
                '\u060C' => ',',
                '\u00A0' or '\u202F' or '\u200E' or '\u200F' => ' ',
                var c => c,
            };
    });

    internal static (Instant? Time, string? Zone, bool Assumed, int At, string? Problem) FindTime(string text, string? language, DateTimeZone? assumedZone = null)
    {
        text = ForTimes(text);
        Match? last = null;
        foreach (var regex in new[] { TimeFirst(), DateFirst(), DateThenTime(), YearFirst(), PortugueseTime(), Sorani(), YearDotFirst(), NumericDate(), Vietnamese() })
            foreach (Match m in regex.Matches(text))
                if (last is null || m.Index > last.Index) last = m;
        if (last is null) return (null, null, false, -1, null);

        var g = last.Groups;
        var (month, monthProblem) = int.TryParse(g["month"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var numbered) && numbered is >= 1 and <= 12
            ? (numbered, null)
            : MonthOf(g["month"].Value, language);
        if (monthProblem is not null) return (null, null, false, last.Index, monthProblem);
        var year = int.Parse(g["year"].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(g["day"].Value, CultureInfo.InvariantCulture);
        var hour = int.Parse(g["hour"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(g["minute"].Value, CultureInfo.InvariantCulture);
        if (year < 2001 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(Math.Clamp(year, 1, 9999), month) || hour > 23 || minute > 59)
            return (null, null, false, last.Index, $"'{last.Value}' is not a possible time.");

        var zone = g["zone"].Success ? g["zone"].Value.ToUpper(CultureInfo.InvariantCulture) : null;
        var local = new LocalDateTime(year, month, day, hour, minute);
        // No zone on the line: the zone given for the list (a summer-time gap or overlap read as the clocks then showed), else UTC.
        if (zone is null && assumedZone is not null)
            return (local.InZoneLeniently(assumedZone).ToInstant(), assumedZone.Id, true, last.Index, null);
        var assumed = zone is null;
        zone ??= "UTC";
        // The Hebrew Wikipedia signs in Israel's time: IST and IDT there, not India's.
        if (language == "he" && zone is "IST" or "IDT")
            return (new OffsetDateTime(local, Offset.FromHours(zone == "IST" ? 2 : 3)).ToInstant(), zone, false, last.Index, null);
        if (!Zones.TryGetValue(zone, out var offset))
            return (null, null, false, last.Index, $"the zone '{zone}' is not one this importer can place ({string.Join(", ", Zones.Keys)}).");
        return (new OffsetDateTime(local, offset).ToInstant(), zone, assumed, last.Index, null);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
