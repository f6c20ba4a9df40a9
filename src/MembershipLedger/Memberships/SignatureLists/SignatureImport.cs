using MembershipLedger.Ledger;
using Marten;
using MembershipLedger.People;
using NodaTime;

namespace MembershipLedger.Memberships.SignatureLists;

/// <summary>What the import did, or would do, with one person of the list.</summary>
/// <param name="Outcome"><c>sign-up</c> (a dry run: would be appended), <c>signed-up</c>, <c>already-a-member</c>, <c>listed-again</c>, <c>anonymous</c> (an IP address), <c>bot</c> or <c>refused</c>.</param>
public sealed record SignatureOutcome(int Line, string Username, Instant? SignedAt, string? Zone, bool ZoneAssumed, string Outcome, string? Detail);

/// <summary>A signature list's import: each person's outcome, and each line that was not understood.</summary>
public sealed record SignatureImportReport(
    string GroupId, bool DryRun, int SignUps, int Undated, IReadOnlyList<SignatureOutcome> People, IReadOnlyList<UnreadLine> NotUnderstood);

/// <summary>
/// Turns a read signature list into sign-ups of one group, through the same decision as a sign-up over HTTP, in
/// one transaction: either every new sign-up of the list lands or none does.
/// </summary>
public static class SignatureImport
{
    public static async Task<SignatureImportReport> ImportAsync(
        IDocumentSession session, string groupId, SignatureListReading reading, bool dryRun, Instant now, CancellationToken ct = default)
    {
        var people = new List<SignatureOutcome>();
        foreach (var signature in reading.Signatures)
        {
            var (key, renamed) = await Accounts.StreamKeyAsync(session, groupId, signature.Username, ct);
            if (renamed is not null)
            {
                people.Add(new SignatureOutcome(signature.Line, signature.Username, signature.SignedAt, signature.Zone, signature.ZoneAssumed, "refused", renamed.Detail));
                continue;
            }
            if (Usernames.Invalid(signature.Username, isOrganization: false) is { } invalid)
            {
                people.Add(new SignatureOutcome(signature.Line, signature.Username, signature.SignedAt, signature.Zone, signature.ZoneAssumed, "refused",
                    $"'{signature.Username}' {invalid}."));
                continue;
            }
            var stream = await session.Events.FetchForWriting<Affiliation>(key!, ct);
            var looksLike = await LookAlikes.AmongMembersAsync(session, groupId, signature.Username, ct);
            var decision = SigningUp.Decide(new SignUpMember(groupId, signature.Username, MemberKind.Individual, signature.SignedAt, Guid.NewGuid(), looksLike),
                stream.Aggregate, now);
            string outcome;
            string? detail = null;
            if (decision.Problem is { } problem)
            {
                outcome = problem.Name == "already-a-member" ? "already-a-member" : "refused";
                detail = problem.Detail;
            }
            else
            {
                outcome = dryRun ? "sign-up" : "signed-up";
                if (looksLike.Count > 0) detail = $"Looks like {string.Join(", ", looksLike)}, already in the group: perhaps one person signing twice.";
                if (!dryRun) stream.AppendMany(decision.Events);
            }
            if (signature.Shown is { } shown)
                detail = string.Join(" ", new[] { $"The page shows '{shown}'; the signature's link names the account {signature.Username}, the member.", detail }.Where(d => d is not null));
            people.Add(new SignatureOutcome(signature.Line, signature.Username, signature.SignedAt, signature.Zone, signature.ZoneAssumed, outcome, detail));
        }
        foreach (var anonymous in reading.Anonymous)
            people.Add(new SignatureOutcome(anonymous.Line, anonymous.Address, anonymous.SignedAt, null, false, "anonymous",
                $"An anonymous contributor (IP address {anonymous.Address}); not an account, so not a member."));
        foreach (var bot in reading.Bots)
            people.Add(new SignatureOutcome(bot.Line, bot.Username, bot.SignedAt, bot.Zone, bot.ZoneAssumed, "bot",
                $"A bot account ({bot.Username}); not a person, so not a member."));
        foreach (var (repeat, firstLine) in reading.Repeats)
            people.Add(new SignatureOutcome(repeat.Line, repeat.Username, repeat.SignedAt, repeat.Zone, repeat.ZoneAssumed, "listed-again",
                $"Listed first on line {firstLine}; one person is one member."));

        if (!dryRun) await session.SaveChangesAsync(ct);
        var signing = people.Where(p => p.Outcome is "sign-up" or "signed-up").ToList();
        return new SignatureImportReport(groupId, dryRun, signing.Count, signing.Count(p => p.SignedAt is null),
            people.OrderBy(p => p.Line).ToList(), reading.Unread);
    }
}
