using MembershipLedger.Ledger;

namespace MembershipLedger.Groups;

/// <summary>Register a new group under a readable id.</summary>
public sealed record RegisterGroup(string GroupId, GroupProfileDetails Profile);

public static class RegisteringGroup
{
    public static Decision Decide(RegisterGroup command, GroupProfile? existing) =>
        existing is not null
            ? LedgerProblem.Rule("group-exists", $"A group with id '{command.GroupId}' is already registered.")
            : Decision.Accept(new GroupRegistered(command.GroupId, command.Profile));
}
