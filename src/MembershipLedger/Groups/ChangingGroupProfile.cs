using MembershipLedger.Ledger;

namespace MembershipLedger.Groups;

/// <summary>Replace a group's profile with a new one (PUT), or with the old one plus some fields (PATCH).</summary>
public sealed record ChangeGroupProfile(string GroupId, GroupProfileDetails Profile);

public static class ChangingGroupProfile
{
    /// <summary>Appends nothing when nothing changed, so repeating a PUT leaves no trace.</summary>
    public static Decision Decide(ChangeGroupProfile command, GroupProfile? current)
    {
        if (current is null) return LedgerProblem.NotFound("groupId", $"No group '{command.GroupId}' is registered.");
        var changed = command.Profile.FieldsDifferingFrom(current.Profile);
        return changed.Count == 0
            ? Decision.Accept()
            : Decision.Accept(new GroupProfileChanged(command.GroupId, command.Profile, changed));
    }
}
