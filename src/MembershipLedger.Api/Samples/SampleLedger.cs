using Marten;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using NodaTime;

namespace MembershipLedger.Api.Samples;

/// <summary>
/// The membership lists of two seed pages (the Tajik and Mali user group pages on Meta-Wiki), told through the
/// same decisions the API uses, for a ledger that starts empty. Only what the pages say: a signature without a
/// time is an undated sign-up, and the Mali page's founders and contacts are roles with no known start.
/// </summary>
public static class SampleLedger
{
    public const string RecordedBy = "samples";

    private sealed record Signature(string Username, Instant? SignedAt);

    private static Instant Utc(int year, int month, int day, int hour, int minute) => Instant.FromUtc(year, month, day, hour, minute);

    public static async Task<bool> LoadIfEmptyAsync(IDocumentStore store, IClock clock, CancellationToken ct = default)
    {
        await using (var query = store.QuerySession())
            if (await query.Query<GroupProfile>().AnyAsync(ct)) return false;

        await RegisterAsync(store, clock, "tajik-wikimedians", new GroupProfileDetails(
            "Tajik Wikimedians User Group", GroupKind.UserGroup, "TJ", ["tg"], DateTimeZoneProviders.Tzdb["Asia/Dushanbe"],
            PartialDate.OfYear(2022), [new ContactChannel("telegram", "Telegram Group"), new ContactChannel("email", "Darafsh(_AT_)hotmail.com")]),
            [
                new("Darafsh Kaviyani", null), new("Mardetanha", Utc(2022, 12, 8, 20, 24)), new("VASHGIRD", null),
                new("Нурмуҳаммад Шамс", Utc(2022, 12, 9, 4, 16)), new("Jaloliddin Madaminov", Utc(2022, 12, 9, 4, 27)),
                new("Искандар Ориф", Utc(2022, 12, 9, 5, 0)), new("Yoonoos.tj", Utc(2022, 12, 9, 9, 12)),
                new("Farorud", Utc(2022, 12, 9, 11, 13)), new("Omid Jeyhani", Utc(2022, 12, 9, 12, 8)),
                new("TITANTJ", Utc(2022, 12, 10, 7, 23)), new("Kagansky", Utc(2023, 2, 17, 15, 54)),
                new("Erokhin", Utc(2023, 4, 2, 12, 28)), new("Daniel Mietchen", Utc(2023, 4, 26, 20, 2)),
            ], []);

        // The Mali list is numbered 1–35 with 16 and 21 missing: 33 names, none with a time.
        string[] mali =
        [
            "FatGueye", "DynaGuide", "TadinaD", "MarianneDem", "Moses-f", "Ammaly13", "Lamyatou", "Fatima_IB", "SDama",
            "AmbobyDiarra", "AminataGT", "El_Hadj_Malick_M", "NoirObscure", "Modibo_DAMA", "Rgaudin", "Masssly", "18MMATU",
            "Akqussi06", "HGcoulibaly", "Élèvedespoètes", "Masdell'arté", "Pap Niamey", "Ismoone", "Monsieur qualité", "DIT92",
            "Nadia Diallo", "Chachasidibe", "Mytique_sidibe", "Baba Gaby", "DAOU Oumar", "Thiam Maimouna", "MOUNE NANA", "BenArts1",
        ];
        await RegisterAsync(store, clock, "wikimedians-of-mali", new GroupProfileDetails(
            "Wikimedians of Mali User Group", GroupKind.UserGroup, "ML", ["fr"], DateTimeZoneProviders.Tzdb["Africa/Bamako"],
            null, [new ContactChannel("talk-page", "Talk page")]),
            mali.Select(name => new Signature(name, null)).ToList(),
            [
                ("N'fana DIAKITE", RoleKind.FoundingMember), ("Renaud GAUDIN", RoleKind.FoundingMember), ("Reda Kerbouche", RoleKind.FoundingMember),
                ("N'fana DIAKITE", RoleKind.DesignatedContact), ("Renaud GAUDIN", RoleKind.DesignatedContact), ("DynaGuide", RoleKind.DesignatedContact),
            ]);
        return true;
    }

    private static async Task RegisterAsync(
        IDocumentStore store, IClock clock, string groupId, GroupProfileDetails profile,
        IReadOnlyList<Signature> signatures, IReadOnlyList<(string Username, RoleKind Role)> roles)
    {
        await using var session = store.LightweightSession();
        session.LastModifiedBy = RecordedBy;
        session.SetHeader(EventMetadata.Source, RecordedBy);
        session.Events.StartStream<GroupProfile>(groupId, RegisteringGroup.Decide(new RegisterGroup(groupId, profile), null).Events);

        var now = clock.GetCurrentInstant();
        var states = new Dictionary<string, Affiliation?>();
        foreach (var signature in signatures)
        {
            var name = Usernames.Normalize(signature.Username);
            Append(session, groupId, name, states, SigningUp.Decide(new SignUpMember(groupId, name, MemberKind.Individual, signature.SignedAt, Guid.NewGuid()), null, now));
        }
        foreach (var (username, role) in roles)
        {
            var name = Usernames.Normalize(username);
            Append(session, groupId, name, states, DesignatingRole.Decide(new DesignateRole(groupId, name, role, null, null, Guid.NewGuid()), null, now));
        }
        await session.SaveChangesAsync();
    }

    private static void Append(IDocumentSession session, string groupId, string name, Dictionary<string, Affiliation?> started, Decision decision)
    {
        if (decision.Problem is { } problem) throw new InvalidOperationException($"Sample data refused: {problem.Detail}");
        var key = Affiliation.StreamKey(groupId, name);
        if (started.TryAdd(key, null)) session.Events.StartStream<Affiliation>(key, decision.Events);
        else session.Events.Append(key, decision.Events);
    }
}
