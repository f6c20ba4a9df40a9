using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>End a role designation at <paramref name="EffectiveAt"/> (a rotation, a resignation).</summary>
public sealed record EndRole(string GroupId, string Username, Guid AssignmentId, Instant EffectiveAt);

public static class EndingRole
{
    public static Decision Decide(EndRole command, Affiliation? current, Instant now)
    {
        if (Plausibility.Check("effectiveAt", command.EffectiveAt, now) is { } implausible) return implausible;
        if (current is null || !current.Roles.TryGetValue(command.AssignmentId, out var held))
            return LedgerProblem.Rule("role-not-held", $"Role assignment {command.AssignmentId} is not in effect for {command.Username}.");
        if (held.EffectiveFrom is { } from && command.EffectiveAt < from)
            return LedgerProblem.Field("effectiveAt", $"{command.EffectiveAt} is before the role began at {from}.");
        return Decision.Accept(new RoleEnded(command.GroupId, command.Username, command.AssignmentId, command.EffectiveAt));
    }
}
