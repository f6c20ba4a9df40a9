using System.Text.RegularExpressions;

namespace MembershipLedger.Memberships.SignatureLists;

/// <summary>
/// Which account a wiki link names, in HTML (<c>href="/wiki/Wikipedysta:Stok"</c>) and in wikitext
/// (<c>[[Wikipedysta:Stok|StoK]]</c>): a user or user-talk page in the namespace names of the larger wikis, or a
/// contributions page (where an anonymous contributor's address stands). One list, so both readers agree.
/// </summary>
public static partial class UserLinks
{
    /// <summary>The user and user-talk namespaces of the larger wikis, as their links name them (lower case, spaces for underscores).</summary>
    private static readonly HashSet<string> Namespaces = new(StringComparer.Ordinal)
    {
        "user", "user talk", "utilisateur", "utilisatrice", "discussion utilisateur", "discussion utilisatrice", "benutzer", "benutzerin",
        "benutzer diskussion", "benutzerin diskussion", "usuario", "usuaria", "usuario discusión", "usuaria discusión", "участник", "участница",
        "обсуждение участника", "обсуждение участницы", "wikipedysta", "wikipedystka", "dyskusja wikipedysty", "dyskusja wikipedystki",
        "utente", "utentessa", "discussioni utente", "discussioni utentessa", "gebruiker", "overleg gebruiker", "usuário(a)", "usuário", "usuária",
        "utilizador", "utilizadora", "usuário(a) discussão", "utilizador discussão", "корисник", "корисница", "разговор са корисником",
        "korisnik", "korisnica", "razgovor sa korisnikom", "користувач", "користувачка", "обговорення користувача", "مستخدم", "مستخدمة",
        "نقاش المستخدم", "نقاش المستخدمة", "کاربر", "بحث کاربر", "משתמש", "משתמשת", "שיחת משתמש", "שיחת משתמשת", "利用者", "利用者‐会話",
        "利用者・会話", "用户", "用戶", "用户讨论", "用戶討論", "사용자", "사용자토론", "wikipedista", "wikipedistka", "diskuse s wikipedistou",
        "uživatel", "användare", "användardiskussion", "szerkesztő", "szerkesztővita", "käyttäjä", "keskustelu käyttäjästä", "pengguna",
        "pembicaraan pengguna", "thành viên", "thảo luận thành viên", "usuari", "usuària", "usuari discussió", "bruker", "brukerdiskusjon",
        "utilizator", "discuție utilizator", "χρήστης", "συζήτηση χρήστη", "потребител", "потребителка", "беседа с потребител",
        "بەکارھێنەر", "لێدوانی بەکارھێنەر", "szerkesztővita", "szerkesztő vita", "gebruiker overleg", "overleg gebruiker", "gebruikersoverleg", "kullanıcı", "kullanıcı mesaj", "ผู้ใช้", "คุยกับผู้ใช้",
    };

    /// <summary>Contributions pages, as "namespace:page" in lower case: an anonymous contributor's signature links there.</summary>
    private static readonly HashSet<string> ContributionPages = new(StringComparer.Ordinal)
    {
        "special:contributions", "spécial:contributions", "spezial:beiträge", "especial:contribuciones", "служебная:вклад", "specjalna:wkład",
        "speciale:contributi", "speciaal:bijdragen", "especial:contribuições", "посебно:доприноси", "спеціальна:внесок", "خاص:مساهمات",
        "ویژه:مشارکت‌ها", "特別:投稿記録", "special:用户贡献", "특수:기여", "taybet:بەشدارییەکان", "تایبەت:بەشدارییەکان",
        "speciális:szerkesztő közreműködései", "speciális:közreműködések",
    };

    // An interwiki or language prefix before the namespace: "m:", "meta:", ":en:", "w:de:".
    [GeneratedRegex(@"^[a-z][a-z0-9\-]{0,11}$")]
    private static partial Regex Prefix();

    /// <summary>The account a page title names (its user page, talk page or a subpage), and whether it is a contributions page.</summary>
    public static (string Account, bool Contributions)? Signer(string title)
    {
        var rest = title.Trim().TrimStart(':');
        while (rest.IndexOf(':') is var colon and > 0)
        {
            var ns = rest[..colon].Trim().ToLowerInvariant();
            var after = rest[(colon + 1)..].Trim();
            if (Namespaces.Contains(ns))
                return after.Split('/')[0].Trim() is { Length: > 0 } account ? (account, false) : null;
            if (after.IndexOf('/') is var slash and > 0 && ContributionPages.Contains($"{ns}:{after[..slash].Trim().ToLowerInvariant()}"))
                return after[(slash + 1)..].Trim() is { Length: > 0 } address ? (address, true) : null;
            if (!Prefix().IsMatch(ns)) return null;
            rest = after;
        }
        return null;
    }

    /// <summary>The page a wiki link points to: the path after /wiki/, or the title parameter of index.php.</summary>
    public static string? TitleOf(string href)
    {
        string? raw = null;
        if (href.IndexOf("/wiki/", StringComparison.Ordinal) is var wiki and >= 0) raw = href[(wiki + 6)..].Split('?', '#')[0];
        else if (href.IndexOf("title=", StringComparison.Ordinal) is var title and >= 0) raw = href[(title + 6)..].Split('&', '#')[0];
        if (raw is null) return null;
        try { return Uri.UnescapeDataString(raw).Replace('_', ' '); }
        catch (UriFormatException) { return null; }
    }
}
