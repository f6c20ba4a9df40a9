using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;

namespace MembershipLedger.People;

// Events about a person, on their affiliation stream (one per group and person). Personal data — real names, e-mail
// addresses, contact handles — lives only in ContactDetailsRecorded, so that public reads can leave it out by type
// and an erasure knows where to look.

/// <summary>The group recorded how to reach a person: the "Contact information: Name … Email …" lines of a group page.</summary>
/// <param name="RealName">The person's name as they gave it, when it is not their account name.</param>
/// <param name="Handles">Other ways to reach them (Telegram, talk page, phone), each a kind and a value.</param>
public sealed record ContactDetailsRecorded(string GroupId, string Username, string? RealName, string? Email, IReadOnlyList<ContactChannel> Handles);

/// <summary>
/// The person's account was renamed (a Wikimedia global rename): from now on the ledger shows this affiliation's whole
/// history under <paramref name="NewName"/>. Appended to each of the person's affiliation streams.
/// </summary>
public sealed record AccountRenamed(string GroupId, string FormerName, string NewName);

/// <summary>
/// A person's personal data was erased on request: their contact details were masked in every event, and their account
/// name replaced by <paramref name="Pseudonym"/> in every event and stream key. Records who and why in its metadata and
/// nothing of the data itself.
/// </summary>
/// <param name="ErasureId">Names the erasure; the event chain's amended rows point to it.</param>
/// <param name="Pseudonym">The stable name the person's records carry from now on.</param>
/// <param name="GroupIds">The groups whose records named the person.</param>
/// <param name="EventsMasked">How many events were rewritten.</param>
public sealed record PersonalDataErased(Guid ErasureId, string Pseudonym, IReadOnlyList<string> GroupIds, int EventsMasked);

public sealed record RecordContactDetails(string GroupId, string Username, string? RealName, string? Email, IReadOnlyList<ContactChannel> Handles);

public static class RecordingContactDetails
{
    public const int MaxLength = 200;

    public static Decision Decide(RecordContactDetails command, Affiliation? current)
    {
        if (current is null)
            return LedgerProblem.NotFound("username", $"{command.Username} has no sign-up or role in {command.GroupId}; record one first.");
        if (command.Email is { } email && !LooksLikeEmail(email))
            return LedgerProblem.Field("email", "is not an e-mail address (name@example.org; the wiki's (_AT_) spelling is read as @).");
        if (command.RealName is null && command.Email is null && command.Handles.Count == 0)
            return LedgerProblem.Field("realName", "Give a real name, an e-mail address or a handle.");
        if (current.Contact is { } known && known.RealName == command.RealName && known.Email == command.Email && known.Handles.SequenceEqual(command.Handles))
            return Decision.Accept();
        return Decision.Accept(new ContactDetailsRecorded(command.GroupId, current.Username, command.RealName, command.Email, command.Handles));
    }

    /// <summary>Group pages write addresses as "Darafsh(_AT_)hotmail.com" to keep them from harvesters.</summary>
    public static string NormalizeEmail(string email) => email.Trim().Replace("(_AT_)", "@", StringComparison.OrdinalIgnoreCase).Replace(" at ", "@");

    private static bool LooksLikeEmail(string email) =>
        email.Length <= MaxLength && email.IndexOf('@') is > 0 and var at && at == email.LastIndexOf('@') && email.IndexOf('.', at) > at + 1
        && !email.EndsWith('.') && !email.Any(char.IsWhiteSpace);
}

public sealed record RenameAccount(string FormerName, string NewName);

public static class RenamingAccount
{
    /// <summary>One <see cref="AccountRenamed"/> per affiliation of the former name.</summary>
    public static Decision Decide(RenameAccount command, IReadOnlyList<Affiliation> affiliations, bool newNameInUse)
    {
        if (command.FormerName == command.NewName) return LedgerProblem.Field("newName", "is the name the account already has.");
        if (affiliations.Count == 0) return LedgerProblem.NotFound("username", $"The ledger has no record of {command.FormerName}.");
        if (newNameInUse)
            return LedgerProblem.Rule("name-in-use",
                $"The ledger already has records under {command.NewName}; two people's histories are never merged by a rename.");
        return Decision.Accept(affiliations.Select(a => (object)new AccountRenamed(a.GroupId, command.FormerName, command.NewName)).ToArray());
    }
}
