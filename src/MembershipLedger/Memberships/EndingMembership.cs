using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>How a membership ends: the member withdrew, or the group removed them.</summary>
public enum MembershipEnding { Withdrawal, Removal }

/// <summary>End a membership at <paramref name="EffectiveAt"/>. A removal needs a reason; a withdrawal may give one.</summary>
public sealed record EndMembership(string GroupId, string Username, MembershipEnding Ending, Instant EffectiveAt, string? Reason);

public static class EndingMembership
{
    public static Decision Decide(EndMembership command, Affiliation? current, Instant now)
    {
        if (Plausibility.Check("effectiveAt", command.EffectiveAt, now) is { } implausible) return implausible;
        if (command.Ending == MembershipEnding.Removal && Plausibility.RequireReason(command.Reason, "a removal") is { } noReason)
            return noReason;
        if (current is not { IsMember: true, Latest: { } signUp })
            return LedgerProblem.Rule("not-a-member", $"{command.Username} is not a member of {command.GroupId}.");
        if (signUp.SignedAt is { } signedAt && command.EffectiveAt < signedAt)
            return LedgerProblem.Field("effectiveAt", $"{command.EffectiveAt} is before the sign-up at {signedAt}.");
        return command.Ending == MembershipEnding.Withdrawal
            ? Decision.Accept(new MemberWithdrew(command.GroupId, command.Username, signUp.Id, command.EffectiveAt))
            : Decision.Accept(new MemberRemoved(command.GroupId, command.Username, signUp.Id, command.EffectiveAt));
    }
}
