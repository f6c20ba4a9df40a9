using MembershipLedger.Ledger;

namespace MembershipLedger.Memberships;

/// <summary>Declare the latest sign-up recorded in error; the reason is required and kept in the metadata.</summary>
public sealed record RetractSignUp(string GroupId, string Username, string? Reason);

public static class RetractingSignUp
{
    public static Decision Decide(RetractSignUp command, Affiliation? current)
    {
        if (Plausibility.RequireReason(command.Reason, "a retraction") is { } noReason) return noReason;
        if (current?.Latest is not { Retracted: false } signUp)
            return LedgerProblem.Rule("nothing-to-retract", $"{command.Username} has no sign-up in {command.GroupId} that could be retracted.");
        return Decision.Accept(new SignUpRetracted(command.GroupId, command.Username, signUp.Id));
    }
}
