using MembershipLedger.Ledger;

namespace MembershipLedger.Tests.Groups;

public class UsernamesTests
{
    [Theory]
    [InlineData("User:Fatima_IB", "Fatima IB")]
    [InlineData("  mardetanha ", "Mardetanha")]
    [InlineData("El_Hadj_Malick_M", "El Hadj Malick M")]
    [InlineData("Нурмуҳаммад  Шамс", "Нурмуҳаммад Шамс")]
    public void SpellingsOfOneAccount_NormalizeToOneName(string raw, string expected) => Assert.Equal(expected, Usernames.Normalize(raw));

    [Fact]
    public void ForbiddenCharacters_AreRefusedForAccountsButNotOrganizations()
    {
        Assert.NotNull(Usernames.Invalid("A/B", isOrganization: false));
        Assert.Null(Usernames.Invalid("Wikimedia Argentina / Iberocoop", isOrganization: true));
    }
}
