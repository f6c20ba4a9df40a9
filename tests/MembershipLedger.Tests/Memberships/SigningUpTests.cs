using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Tests.Memberships;

public class SigningUpTests
{
    private static SignUpMember Command(Instant? signedAt) => new(Given.Group, Given.Username, MemberKind.Individual, signedAt, Given.SignUpId);

    [Fact]
    public void FirstSignature_IsRecordedWithItsInstant()
    {
        var decision = SigningUp.Decide(Command(Given.SignedAt), Given.Nothing, Given.Now);
        Assert.Equal([Given.SignedUp()], decision.Events);
    }

    [Fact]
    public void SignatureWithoutTime_IsRecordedUndated_NeverGuessed()
    {
        var decision = SigningUp.Decide(Command(null), Given.Nothing, Given.Now);
        Assert.Null(Assert.IsType<MemberSignedUp>(Assert.Single(decision.Events)).SignedAt);
    }

    [Fact]
    public void SecondSignatureWhileMember_IsRefusedNamingTheRule()
    {
        var decision = SigningUp.Decide(Command(Given.SignedAt), Given.Member(), Given.Now);
        Assert.Equal(ProblemKind.RuleViolated, decision.Problem!.Kind);
        Assert.Equal("already-a-member", decision.Problem.Name);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void SignatureAfterWithdrawal_IsARejoin()
    {
        var rejoin = Given.SignedAt + Duration.FromDays(100);
        var decision = SigningUp.Decide(Command(rejoin) with { SignUpId = Guid.NewGuid() }, Given.FormerMember(), Given.Now);
        Assert.True(decision.IsAccepted);
    }

    [Theory]
    [InlineData(1999, 1, 1)]
    [InlineData(2030, 1, 1)]
    public void SignatureBeforeWikipediaOrInTheFuture_IsRefusedNamingSignedAt(int year, int month, int day)
    {
        var decision = SigningUp.Decide(Command(Instant.FromUtc(year, month, day, 0, 0)), Given.Nothing, Given.Now);
        Assert.Equal(ProblemKind.InvalidField, decision.Problem!.Kind);
        Assert.Equal("signedAt", decision.Problem.Name);
    }
}
