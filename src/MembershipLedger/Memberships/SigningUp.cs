using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>Record a signature on the group's membership list; <paramref name="SignedAt"/> null when undated.</summary>
/// <param name="LooksLike">Members whose names look like this one, found at the edge (<see cref="LookAlikes"/>); flagged on the event.</param>
public sealed record SignUpMember(string GroupId, string Username, MemberKind Kind, Instant? SignedAt, Guid SignUpId, IReadOnlyList<string>? LooksLike = null);

public static class SigningUp
{
    public static Decision Decide(SignUpMember command, Affiliation? current, Instant now)
    {
        if (command.SignedAt is { } signedAt && Plausibility.Check("signedAt", signedAt, now) is { } implausible)
            return implausible;
        if (current?.IsMember == true)
            return LedgerProblem.Rule("already-a-member", $"{command.Username} is already a member of {command.GroupId}; withdraw before signing up again.");
        return Decision.Accept(new MemberSignedUp(command.GroupId, command.Username, command.Kind, command.SignUpId, command.SignedAt,
            command.LooksLike is { Count: > 0 } alike ? alike : null));
    }
}
