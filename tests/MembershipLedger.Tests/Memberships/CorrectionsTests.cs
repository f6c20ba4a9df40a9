using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Tests.Memberships;

public class CorrectionsTests
{
    [Fact]
    public void Withdrawal_EndsTheLatestSignUp()
    {
        var at = Given.SignedAt + Duration.FromDays(10);
        var decision = EndingMembership.Decide(new EndMembership(Given.Group, Given.Username, MembershipEnding.Withdrawal, at, null), Given.Member(), Given.Now);
        Assert.Equal([new MemberWithdrew(Given.Group, Given.Username, Given.SignUpId, at)], decision.Events);
    }

    [Fact]
    public void WithdrawalOfANonMember_IsRefused()
    {
        var decision = EndingMembership.Decide(new EndMembership(Given.Group, Given.Username, MembershipEnding.Withdrawal, Given.Now, null), Given.FormerMember(), Given.Now);
        Assert.Equal("not-a-member", decision.Problem!.Name);
    }

    [Fact]
    public void WithdrawalBeforeTheSignature_IsRefusedNamingEffectiveAt()
    {
        var decision = EndingMembership.Decide(
            new EndMembership(Given.Group, Given.Username, MembershipEnding.Withdrawal, Given.SignedAt - Duration.FromDays(1), null), Given.Member(), Given.Now);
        Assert.Equal("effectiveAt", decision.Problem!.Name);
    }

    [Fact]
    public void RemovalWithoutReason_IsRefusedNamingReason()
    {
        var decision = EndingMembership.Decide(new EndMembership(Given.Group, Given.Username, MembershipEnding.Removal, Given.Now, " "), Given.Member(), Given.Now);
        Assert.Equal("reason", decision.Problem!.Name);
    }

    [Fact]
    public void Retraction_NamesTheSignUpItWithdrawsBelieffrom()
    {
        var decision = RetractingSignUp.Decide(new RetractSignUp(Given.Group, Given.Username, "Signed on the wrong group's page"), Given.Member());
        Assert.Equal([new SignUpRetracted(Given.Group, Given.Username, Given.SignUpId)], decision.Events);
    }

    [Fact]
    public void RetractingTwice_IsRefused()
    {
        var retracted = Given.Events(Given.SignedUp(), new SignUpRetracted(Given.Group, Given.Username, Given.SignUpId));
        Assert.Equal("nothing-to-retract", RetractingSignUp.Decide(new RetractSignUp(Given.Group, Given.Username, "again"), retracted).Problem!.Name);
    }

    [Fact]
    public void Correction_KeepsThePreviousTimeInTheEvent()
    {
        var corrected = Given.SignedAt + Duration.FromDays(1);
        var decision = CorrectingSignatureTime.Decide(new CorrectSignatureTime(Given.Group, Given.Username, corrected, "Typo in the day"), Given.Member(), Given.Now);
        Assert.Equal([new SignatureTimeCorrected(Given.Group, Given.Username, Given.SignUpId, Given.SignedAt, corrected)], decision.Events);
    }

    [Fact]
    public void Correction_CanDateAnUndatedSignUp()
    {
        var decision = CorrectingSignatureTime.Decide(new CorrectSignatureTime(Given.Group, Given.Username, Given.SignedAt, "Found in the page history"), Given.UndatedMember(), Given.Now);
        Assert.Null(Assert.IsType<SignatureTimeCorrected>(Assert.Single(decision.Events)).PreviousSignedAt);
    }

    [Fact]
    public void CorrectionToTheSameTime_IsRefusedAsNoChange()
    {
        var decision = CorrectingSignatureTime.Decide(new CorrectSignatureTime(Given.Group, Given.Username, Given.SignedAt, "same"), Given.Member(), Given.Now);
        Assert.Equal("no-change", decision.Problem!.Name);
    }
}
