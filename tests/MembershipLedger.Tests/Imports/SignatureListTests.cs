using MembershipLedger.Memberships.SignatureLists;
using NodaTime;

namespace MembershipLedger.Tests.Imports;

/// <summary>Reading signature lists as readers copy them from Meta-Wiki, and as wikitext.</summary>
public class SignatureListTests
{
    // Seed 001, the Tajik list exactly as copied from the rendered page (the last line keeps the skip link the copy caught).
    public const string TajikList = """
          1. Darafsh Kaviyani (Talk)
          2. --Mardetanha (talk) 20:24, 8 December 2022 (UTC)Reply[reply]
          3. VASHGIRD (talk)
          4. --Нурмуҳаммад Шамс (talk) 04:16, 9 December 2022 (UTC)Reply[reply]
          5. Jaloliddin Madaminov (talk) 04:27, 9 December 2022 (UTC).Reply[reply]
          6. Искандар Ориф (talk) 05:00, 9 December 2022 (UTC)Reply[reply]
          7. Yoonoos.tj (talk) 09:12, 9 December 2022 (UTC)Reply[reply]
          8. Farorud (talk) 11:13, 9 December 2022 (UTC)Reply[reply]
          9. Omid Jeyhani (-- 12:08, 9 December 2022 (UTC))Reply[reply]
          10. TITANTJ (talk) 07:23, 10 December 2022 (UTC)Reply[reply]
          11. Kagansky (talk) 15:54, 17 February 2023 (UTC)Reply[reply]
          12. Erokhin (talk) 12:28, 2 April 2023 (UTC)Reply[reply]
          13. Daniel Mietchen (talk) 20:02, 26 April 2023 (UTC)Reply[reply]Jump to content
        """;

    private static Instant Utc(int y, int mo, int d, int h, int mi) => Instant.FromUtc(y, mo, d, h, mi);

    [Fact]
    public void The_Tajik_list_reads_as_13_people_2_of_them_undated()
    {
        var reading = SignatureList.Read(TajikList);

        Assert.Empty(reading.Unread);
        Assert.Equal(
            ["Darafsh Kaviyani", "Mardetanha", "VASHGIRD", "Нурмуҳаммад Шамс", "Jaloliddin Madaminov", "Искандар Ориф", "Yoonoos.tj",
             "Farorud", "Omid Jeyhani", "TITANTJ", "Kagansky", "Erokhin", "Daniel Mietchen"],
            reading.Signatures.Select(s => s.Username));
        Assert.Null(reading.Signatures[0].SignedAt);
        Assert.Null(reading.Signatures[2].SignedAt);
        Assert.Equal(Utc(2022, 12, 8, 20, 24), reading.Signatures[1].SignedAt);
        Assert.Equal(Utc(2022, 12, 9, 12, 8), reading.Signatures[8].SignedAt); // the custom signature
        Assert.Equal(Utc(2023, 4, 26, 20, 2), reading.Signatures[12].SignedAt);
    }

    [Fact]
    public void The_Mali_list_reads_User_prefixed_names_as_undated_sign_ups()
    {
        var reading = SignatureList.Read("""
              1. User:FatGueye
              14. User:Modibo_DAMA
              22. User:Élèvedespoètes
              23. User:Masdell'arté
              26. User:Monsieur qualité
            """);

        Assert.Empty(reading.Unread);
        Assert.Equal(["FatGueye", "Modibo DAMA", "Élèvedespoètes", "Masdell'arté", "Monsieur qualité"], reading.Signatures.Select(s => s.Username));
        Assert.All(reading.Signatures, s => Assert.Null(s.SignedAt));
    }

    [Fact]
    public void Wikimania_names_keep_their_WMF_suffix_and_what_is_no_signature_is_reported()
    {
        var reading = SignatureList.Read("""
              1. FKoudijs (WMF) (talk) 16:33, 2 March 2015 (UTC)[reply]
              6. --Mahmoudalrawi (talk) 21:19, 17 March 2015 (UTC)[reply]
              9. Trizek (talk), on behalf of la NCO, 16:03, 8 July 2015 (UTC)[reply]
              10. Add your username here.Jump to content
            """);

        Assert.Equal(["FKoudijs (WMF)", "Mahmoudalrawi", "Trizek"], reading.Signatures.Select(s => s.Username));
        Assert.Equal(Utc(2015, 7, 8, 16, 3), reading.Signatures[2].SignedAt);
        var unread = Assert.Single(reading.Unread);
        Assert.Equal(4, unread.Line);
        Assert.Contains("no signature", unread.Why);
    }

    [Theory]
    [InlineData("Mardetanha (talk) 20:24, 8 December 2022 (UTC)", 20, 24, "UTC", false)]
    [InlineData("Mardetanha (talk) 20:24, 8 December 2022", 20, 24, "UTC", true)]
    [InlineData("Mardetanha (discussion) 8 décembre 2022 à 20:24 (UTC)", 20, 24, "UTC", false)]
    [InlineData("Mardetanha (Diskussion) 20:24, 8. Dez. 2022 (CET)", 19, 24, "CET", false)]
    [InlineData("Mardetanha (discusión) 20:24 8 dic 2022 (UTC)", 20, 24, "UTC", false)]
    [InlineData("Mardetanha (обс.) 20:24, 8 декабря 2022 (UTC)", 20, 24, "UTC", false)]
    [InlineData("Mardetanha (обс.) 23:24, 8 декабря 2022 (MSK)", 20, 24, "MSK", false)]
    public void Each_wikis_time_format_reads_as_the_same_instant(string line, int utcHour, int utcMinute, string zone, bool assumed)
    {
        var (signature, _, why) = SignatureList.ReadLine(1, line);

        Assert.Null(why);
        Assert.Equal("Mardetanha", signature!.Username);
        Assert.Equal(Utc(2022, 12, 8, utcHour, utcMinute), signature.SignedAt);
        Assert.Equal(zone, signature.Zone);
        Assert.Equal(assumed, signature.ZoneAssumed);
    }

    [Theory]
    [InlineData("# [[User:Mardetanha|Mardetanha]] ([[User talk:Mardetanha|talk]]) 20:24, 8 December 2022 (UTC)", "Mardetanha")]
    [InlineData("# --[[User:Omid_Jeyhani|<span style=\"color:green\">Omid</span>]] 12:08, 9 December 2022 (UTC)", "Omid Jeyhani")]
    [InlineData("# [[Utilisateur:FatGueye|Fat]] ([[Discussion utilisateur:FatGueye|discuter]]) 8 décembre 2022 à 20:24 (UTC)", "FatGueye")]
    [InlineData("# [[:de:Benutzer:Gereon K.|Gereon]] 20:24, 8. Dez. 2022 (CET)", "Gereon K.")]
    [InlineData("# {{u|Varnent}} 20:24, 8 December 2022 (UTC)", "Varnent")]
    public void Wikitext_names_come_from_the_user_link_not_the_custom_signature(string line, string name)
    {
        var (signature, _, why) = SignatureList.ReadLine(1, line);

        Assert.Null(why);
        Assert.Equal(name, signature!.Username);
        Assert.NotNull(signature.SignedAt);
    }

    [Fact]
    public void A_person_listed_twice_is_one_signature_the_earliest_and_the_repeat_is_shown()
    {
        var reading = SignatureList.Read("""
            # Farorud (talk) 11:13, 9 December 2022 (UTC)
            # Kagansky (talk) 15:54, 17 February 2023 (UTC)
            # Farorud (talk) 09:00, 1 December 2022 (UTC)
            """);

        Assert.Equal(["Farorud", "Kagansky"], reading.Signatures.Select(s => s.Username).Order());
        Assert.Equal(Utc(2022, 12, 1, 9, 0), reading.Signatures.Single(s => s.Username == "Farorud").SignedAt);
        var (repeat, first) = Assert.Single(reading.Repeats);
        Assert.Equal(1, repeat.Line);
        Assert.Equal(3, first);
    }

    [Theory]
    [InlineData("Mardetanha (talk) 20:24, 8 Smarch 2022 (UTC)", "not a month")]
    [InlineData("Mardetanha (talk) 20:24, 31 November 2022 (UTC)", "not a possible time")]
    [InlineData("Mardetanha (talk) 20:24, 8 December 2022 (IST)", "zone 'IST'")]
    [InlineData("# ~~~~", "placeholder")]
    [InlineData("# [[Wikipedia:Sandbox]] 20:24, 8 December 2022 (UTC)", "without a user link")]
    public void What_cannot_be_read_is_said_not_guessed(string line, string why)
    {
        var (signature, _, problem) = SignatureList.ReadLine(7, line);

        Assert.Null(signature);
        Assert.Contains(why, problem);
    }

    [Fact]
    public void Anonymous_contributors_are_read_as_such_never_as_members_and_never_as_not_understood()
    {
        var reading = SignatureList.Read("""
            # {{unsigned|203.0.113.7|10:00, 9 December 2022 (UTC)}}
            # 2001:db8::1 (talk) 11:13, 9 December 2022 (UTC)
            — Preceding unsigned comment added by 198.51.100.23 (talk) 12:08, 9 December 2022 (UTC)
            # [[Special:Contributions/2001:db8:85a3::8a2e:370:7334|2001:db8:85a3::8a2e:370:7334]] 12:08, 9 December 2022 (UTC)
            # --Farorud (talk) 11:13, 9 December 2022 (UTC)
            """);

        Assert.Equal(["203.0.113.7", "2001:db8::1", "198.51.100.23", "2001:db8:85a3::8a2e:370:7334"], reading.Anonymous.Select(a => a.Address));
        Assert.Equal("Farorud", Assert.Single(reading.Signatures).Username);
        Assert.Empty(reading.Unread);
    }
    [Fact]
    public void In_wikitext_the_link_names_the_account_and_a_custom_display_name_is_kept_beside_it()
    {
        var reading = SignatureList.Read("""
            # [[User:Zwiadowca21|<span style="color:green">'''Zwiadowca'''</span>]] ([[User talk:Zwiadowca21|talk]]) 18:20, 1 October 2018 (UTC)
            # [[User:Farorud|Farorud]] ([[User talk:Farorud|talk]]) 11:13, 9 December 2022 (UTC)
            """);

        Assert.Equal(("Zwiadowca21", "Zwiadowca"), (reading.Signatures[0].Username, reading.Signatures[0].Shown));
        Assert.Null(reading.Signatures[1].Shown);
    }
    /// <summary>
    /// Signatures as they stand on real discussion pages of the Polish, Italian and Serbian (Cyrillic and Latin) Wikipedias,
    /// with the author and instant DiscussionTools' tests give for them (its tests/cases, saved from
    /// pl.wikipedia.org Wikipedia:Kawiarenka/Artykuły dyskusja/Archiwum/2018-październik oldid 55171451, and of the Dutch one,
    /// it.wikipedia.org Aiuto:Sportello informazioni oldid 116856029, sr.wikipedia.org Википедија:Трг/Архива/Техника/35; CC BY-SA).
    /// </summary>
    [Theory]
    [InlineData("# Zwiadowca21 20:20, 1 paź 2018 (CEST)", "Zwiadowca21", "2018-10-01T18:20:00Z")]
    [InlineData("# --Depoggial (msg) 19:25, 6 nov 2020 (CET)", "Depoggial", "2020-11-06T18:25:00Z")]
    [InlineData("# Alexzr88 (разговор) 14:11, 15. јануар 2018. (CET)", "Alexzr88", "2018-01-15T13:11:00Z")]
    [InlineData("# – Srdjan m (razgovor) 14:17, 15. januar 2018. (CET)", "Srdjan m", "2018-01-15T13:17:00Z")]
    [InlineData("# --Stok (dyskusja) 08:23, 29 wrz 2018 (CEST)", "Stok", "2018-09-29T06:23:00Z")]
    // nl.wikipedia.org Overleg gebruiker:RYasmeen (WMF) oldid 57970619 (DiscussionTools' unclosed-font case).
    [InlineData("# PPelberg (WMF) (overleg) 10 apr 2020 00:31 (CEST)", "PPelberg (WMF)", "2020-04-09T22:31:00Z")]
    public void Month_names_of_every_language_NET_knows_are_read_and_the_zone_is_honoured(string line, string username, string instant)
    {
        var signature = Assert.Single(SignatureList.Read(line).Signatures);
        Assert.Equal((username, NodaTime.Text.InstantPattern.ExtendedIso.Parse(instant).Value), (signature.Username, signature.SignedAt!.Value));
    }

    [Fact]
    public void A_month_name_that_means_different_months_in_different_languages_needs_the_list_s_language()
    {
        const string line = "# Kolega (dyskusja) 10:00, 3 listopada 2018 (CET)";
        var unread = Assert.Single(SignatureList.Read(line).Unread);
        Assert.Contains("give the list's language", unread.Why);

        var polish = Assert.Single(SignatureList.Read(line, "pl").Signatures);
        Assert.Equal(new NodaTime.LocalDateTime(2018, 11, 3, 9, 0).InUtc().ToInstant(), polish.SignedAt);
        var croatian = Assert.Single(SignatureList.Read(line, "hr").Signatures);
        Assert.Equal(new NodaTime.LocalDateTime(2018, 10, 3, 9, 0).InUtc().ToInstant(), croatian.SignedAt);
    }
    /// <summary>The signature formats of the Japanese, Chinese, Korean and Portuguese Wikipedias (lines written for this test in those formats).</summary>
    [Theory]
    [InlineData("# 山田太郎（会話） 2018年10月1日 (月) 18:20 (UTC)", "山田太郎", "2018-10-01T18:20:00Z")]
    [InlineData("# 张三（讨论） 2018年10月1日 (一) 18:20 (UTC)", "张三", "2018-10-01T18:20:00Z")]
    [InlineData("# 홍길동 (토론) 2018년 10월 1일 (월) 18:20 (KST)", "홍길동", "2018-10-01T09:20:00Z")]
    [InlineData("# --Fulano (discussão) 18h20min de 1 de outubro de 2018 (UTC)", "Fulano", "2018-10-01T18:20:00Z")]
    public void The_formats_of_the_Japanese_Chinese_Korean_and_Portuguese_wikis_are_read(string line, string username, string instant)
    {
        var signature = Assert.Single(SignatureList.Read(line).Signatures);
        Assert.Equal((username, NodaTime.Text.InstantPattern.ExtendedIso.Parse(instant).Value), (signature.Username, signature.SignedAt!.Value));
    }
    /// <summary>
    /// Signatures as HTML, from the pages DiscussionTools' tests saved (pl.wikipedia.org Wikipedia:Kawiarenka/Artykuły
    /// dyskusja/Archiwum/2018-październik oldid 55171451; it.wikipedia.org Aiuto:Sportello informazioni oldid 116856029;
    /// CC BY-SA): the account is the link's target, whatever the signature shows ("StoK" is Wikipedysta:Stok).
    /// </summary>
    [Fact]
    public void In_HTML_the_account_is_the_user_link_s_target_and_what_it_shows_is_kept_beside_it()
    {
        const string html = """
            <ol>
            <li><a href="//pl.wikipedia.org/wiki/Wikipedysta:Stok" title="Wikipedysta:Stok">StoK</a> (<a href="//pl.wikipedia.org/wiki/Dyskusja_wikipedysty:Stok" title="Dyskusja wikipedysty:Stok">dyskusja</a>) 08:23, 29 wrz 2018 (CEST)</li>
            <li>--<a href="//it.wikipedia.org/w/index.php?title=Utente:Depoggial&amp;action=edit&amp;redlink=1" class="new" title="Utente:Depoggial (la pagina non esiste)">Depoggial</a> (<a href="//it.wikipedia.org/wiki/Discussioni_utente:Depoggial" title="Discussioni utente:Depoggial">msg</a>) 19:25, 6 nov 2020 (CET)</li>
            <li><a href="/wiki/Special:Contributions/2001:db8::7" title="Special:Contributions/2001:db8::7">2001:db8::7</a> 11:40, 9 December 2022 (UTC)</li>
            <li>Add your username here.</li>
            </ol>
            """;
        var reading = SignatureList.Read(html);

        Assert.Equal(["Stok", "Depoggial"], reading.Signatures.Select(s => s.Username));
        Assert.Equal("StoK", reading.Signatures[0].Shown);
        Assert.Null(reading.Signatures[1].Shown);
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse("2018-09-29T06:23:00Z").Value, reading.Signatures[0].SignedAt);
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse("2020-11-06T18:25:00Z").Value, reading.Signatures[1].SignedAt);
        Assert.Equal("2001:db8::7", Assert.Single(reading.Anonymous).Address);
        Assert.Empty(reading.Unread);
    }
    /// <summary>The Arabic Wikipedia's signature, as HTML from ar.wikipedia.org ويكيبيديا:إخفاء أرقام الآي بي oldid 46583196 (DiscussionTools' tests; CC BY-SA): Arabic comma, no-break spaces, "(ت ع م)" for UTC.</summary>
    [Fact]
    public void The_Arabic_signature_reads_its_comma_its_zone_and_the_account_behind_the_shown_name()
    {
        const string html = """<p><a href="//ar.wikipedia.org/wiki/%D9%85%D8%B3%D8%AA%D8%AE%D8%AF%D9%85:Johan_(WMF)" title="مستخدم:Johan (WMF)">Johan</a> (<a href="//ar.wikipedia.org/wiki/%D9%86%D9%82%D8%A7%D8%B4_%D8%A7%D9%84%D9%85%D8%B3%D8%AA%D8%AE%D8%AF%D9%85:Johan_(WMF)" title="نقاش المستخدم:Johan (WMF)">نقاش</a>) 22:51، 21 أبريل 2020 (ت&#160;ع&#160;م)</p>""";
        var signature = Assert.Single(SignatureList.Read(html).Signatures);
        Assert.Equal(("Johan (WMF)", "Johan"), (signature.Username, signature.Shown));
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse("2020-04-21T22:51:00Z").Value, signature.SignedAt);
        Assert.Equal("ت ع م", signature.Zone);
    }

    // The decoration rules of docs/signature-lists.md, each on a real custom signature (from Imports/SignaturePages).
    [Theory]
    [InlineData("Doug Weller talk 19:55, 30 June 2019 (UTC)", "Doug Weller")]
    [InlineData("Bishonen | talk 20:20, 29 June 2019 (UTC)", "Bishonen")]
    [InlineData("Headbomb {t · c · p · b} 05:16, 9 July 2019 (UTC)", "Headbomb")]
    [InlineData("Eman235/talk 19:53, 15 July 2019 (UTC)", "Eman235")]
    [InlineData("~Oshwah~(talk) (contribs) 14:45, 14 June 2019 (UTC)", "Oshwah")]
    [InlineData("MJL ‐Talk‐☖ 16:04, 18 June 2019 (UTC)", "MJL")]
    [InlineData("Bruce1eetalk 15:10, 11 August 2019 (UTC)", "Bruce1ee")]
    [InlineData("Enterprisey (talk!) 08:54, 27 July 2019 (UTC)", "Enterprisey")]
    [InlineData("Anthonyhcole (talk · contribs · email) 05:05, 9 July 2019 (UTC)", "Anthonyhcole")]
    [InlineData("ValeJappo【〒】 08:36, 13 nov 2020 (CET)", "ValeJappo")]
    [InlineData("Gyrostat - DitS'Cuté 15 novembre 2013 à 21:19 (CET)", "Gyrostat")]
    [InlineData("cliccando qui. Grazie! --Mtarch11 (msg) 12:35, 15 nov 2020 (CET)", "Mtarch11")]
    [InlineData("m:User:Elitre (WMF) 16:38, 2 July 2018 (UTC)", "Elitre (WMF)")]
    [InlineData("Whatamidoing (WMF) (talk) 16:38, 2 July 2018 (UTC)", "Whatamidoing (WMF)")]
    [InlineData("علاء راسلني 19:19، 5 مارس 2020 (ت ع م)", "علاء")]
    [InlineData("Kushared (لێدوان) ‏١٥:٢٣، ١٦ی تشرینی یەکەمی ٢٠١٤ (UTC)", "Kushared")]
    public void A_rendered_custom_signature_loses_its_decorations(string line, string account)
    {
        var (signature, _, why) = SignatureList.ReadLine(1, line, line.Contains("nov") ? "it" : null);

        Assert.Null(why);
        Assert.Equal(account, signature!.Username);
        Assert.NotNull(signature.SignedAt);
    }

    [Fact]
    public void A_bot_signature_is_read_and_shown_but_is_no_member()
    {
        var reading = SignatureList.Read("""
            # Farorud (talk) 11:13, 9 December 2022 (UTC)
            # InternetArchiveBot (Report bug) 00:32, 21 March 2018 (UTC)
            # [[User:ClueBot NG|ClueBot NG]] ([[User talk:ClueBot NG|talk]]) 10:00, 1 May 2023 (UTC)
            # Abbot (talk) 10:00, 1 May 2023 (UTC)
            """);

        Assert.Equal(["Farorud", "Abbot"], reading.Signatures.Select(s => s.Username));
        Assert.Equal(["InternetArchiveBot (Report bug)", "ClueBot NG"], reading.Bots.Select(b => b.Username));
    }

    [Theory]
    [InlineData("""<ol><li><a href="/wiki/User:QEDK">qedk</a> (<a href="/wiki/User_talk:QEDK">t</a> 桜 <a href="/wiki/Special:Contributions/QEDK">c</a>) 19:42, 21 June 2019 (UTC)</li></ol>""")]
    [InlineData("# [[User:QEDK|qedk]] ([[User talk:QEDK|t]] 桜 [[Special:Contributions/QEDK|c]]) 19:42, 21 June 2019 (UTC)")]
    public void The_name_shown_is_the_user_links_not_the_talk_or_contributions_links(string list)
    {
        var signature = Assert.Single(SignatureList.Read(list).Signatures);

        Assert.Equal("QEDK", signature.Username);
        Assert.Equal("qedk", signature.Shown);
    }

    // The forms of other large wikis (sv, no, fi, id, tr, cs, vi, uk, ca, fa, he), each the same instant.
    [Theory]
    [InlineData("Mardetanha (بحث) \u200F۲۰:۲۴، ۸ دسامبر ۲۰۲۲ (UTC)", "fa")]
    [InlineData("Mardetanha (بحث) \u200F۲۰:۲۴، ۸ دسامبرٔ ۲۰۲۲ (UTC)", null)]
    [InlineData("Mardetanha (שיחה) 22:24, 8 בדצמבר 2022 (IST)", "he")] // Israel's time on the Hebrew Wikipedia
    [InlineData("Mardetanha (שיחה) 20:24, 8 בדצמבר 2022 (UTC)", null)]
    [InlineData("Mardetanha (diskussion) 8 december 2022 kl. 21.24 (CET)", "sv")]
    [InlineData("Mardetanha (diskusjon) 8. des. 2022 kl. 21:24 (CET)", "nb")]
    [InlineData("Mardetanha (keskustelu) 8. joulukuuta 2022 kello 22.24 (EET)", "fi")]
    [InlineData("Mardetanha (bicara) 8 Desember 2022 20.24 (UTC)", "id")]
    [InlineData("Mardetanha (mesaj) 20.24, 8 Aralık 2022 (UTC)", "tr")]
    [InlineData("Mardetanha (diskuse) 8. 12. 2022, 21:24 (CET)", "cs")]
    [InlineData("Mardetanha (thảo luận) 20:24, ngày 8 tháng 12 năm 2022 (UTC)", "vi")]
    [InlineData("Mardetanha (обговорення) 20:24, 8 грудня 2022 (UTC)", "uk")]
    [InlineData("Mardetanha (discussió) 21:24, 8 des. 2022 (CET)", "ca")]
    public void The_time_formats_of_more_large_wikis_read_as_the_same_instant(string line, string? language)
    {
        var (signature, _, why) = SignatureList.ReadLine(1, line, language);

        Assert.Null(why);
        Assert.Equal("Mardetanha", signature!.Username);
        Assert.Equal(Utc(2022, 12, 8, 20, 24), signature.SignedAt);
    }
}
