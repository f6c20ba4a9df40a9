using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>Correct the signature time of the latest sign-up (or date an undated one).</summary>
public sealed record CorrectSignatureTime(string GroupId, string Username, Instant SignedAt, string? Reason);

public static class CorrectingSignatureTime
{
    public static Decision Decide(CorrectSignatureTime command, Affiliation? current, Instant now)
    {
        if (Plausibility.Check("signedAt", command.SignedAt, now) is { } implausible) return implausible;
        if (Plausibility.RequireReason(command.Reason, "a correction") is { } noReason) return noReason;
        if (current?.Latest is not { Retracted: false } signUp)
            return LedgerProblem.Rule("nothing-to-correct", $"{command.Username} has no sign-up in {command.GroupId} to correct.");
        if (signUp.SignedAt == command.SignedAt)
            return LedgerProblem.Rule("no-change", $"The sign-up is already recorded at {command.SignedAt}.");
        if (signUp.EndedAt is { } endedAt && command.SignedAt > endedAt)
            return LedgerProblem.Field("signedAt", $"{command.SignedAt} is after the membership ended at {endedAt}.");
        return Decision.Accept(new SignatureTimeCorrected(command.GroupId, command.Username, signUp.Id, signUp.SignedAt, command.SignedAt));
    }
}
