using MembershipLedger.Ledger;

namespace MembershipLedger.Tests.Groups;

public class PartialDateTests
{
    [Theory]
    [InlineData("2022")]
    [InlineData("2022-05")]
    [InlineData("2022-05-17")]
    public void KnownPrecision_IsKeptOnTheRoundTrip(string text)
    {
        Assert.True(PartialDate.TryParse(text, out var date));
        Assert.Equal(text, date.ToString());
    }

    [Fact]
    public void YearOnly_IsNeverPaddedIntoADay()
    {
        Assert.True(PartialDate.TryParse("2022", out var date));
        Assert.Null(date.Month);
        Assert.Null(date.Day);
    }

    [Theory]
    [InlineData("22")]
    [InlineData("2022-13")]
    [InlineData("2023-02-29")]
    [InlineData("2022-5-1")]
    [InlineData("next year")]
    public void ImpossibleOrMalformedDates_AreRefused(string text) => Assert.False(PartialDate.TryParse(text, out _));
}
