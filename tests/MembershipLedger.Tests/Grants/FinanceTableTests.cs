using MembershipLedger.Grants.FinanceTables;

namespace MembershipLedger.Tests.Grants;

/// <summary>Finance tables as Meta-Wiki grant reports publish them, read as wikitext and as the rendered table.</summary>
public class FinanceTableTests
{
    /// <summary>A Rapid Grant's table copied from the rendered page (cells separated by tabs): two lines overspent, the stated spending 5 cents off its rows.</summary>
    public const string Rendered = """
        Expense	Approved amount	Actual funds spent	Difference
        Venue rental	4,500 USD	4,606.75 USD	(106.75 USD)
        Catering	$3,450 USD	3,500.00 USD	(50.00 USD)
        Prizes and swag	1,200 USD	1,013.40 USD	186.60 USD
        Printing	850 USD	812.35 USD	37.65 USD
        Total	10,000 USD	9,932.55 USD	67.45 USD
        """;

    /// <summary>A USD grant spent in pesos, as wikitext: a line added during the grant (approved "-"), and a stated total 1,200 MXN short of its rows.</summary>
    public const string Wikitext = """
        === Finances ===
        {| class="wikitable"
        ! Expense !! Approved amount !! Actual funds spent !! Difference
        |-
        | [[w:es:Editatón|Editathon]] venue || 2,000 USD || style="text-align:right" | 34,000 MXN ||
        |-
        | Food || 1,500 USD || 26,500 MXN ||
        |-
        | Transport for volunteers<ref>Added in May, approved by the program officer.</ref> || - || 4,200 MXN ||
        |-
        | '''Total''' || '''3,500 USD''' || '''63,500 MXN''' ||
        |}
        """;

    [Fact]
    public void The_rendered_table_gives_four_rows_and_names_each_stated_total_that_is_off_to_the_cent()
    {
        var reading = FinanceTable.Read(Rendered);

        Assert.Equal(["Venue rental", "Catering", "Prizes and swag", "Printing"], reading.Rows.Select(r => r.Label));
        Assert.Equal(new TableAmount(3450m, "USD"), reading.Rows[1].Approved);
        Assert.Equal(new TableAmount(-106.75m, "USD"), reading.Rows[0].Difference);
        Assert.Equal((10000m, 9932.50m, 67.50m), (reading.Sums["approved"], reading.Sums["spent"], reading.Sums["difference"]));
        Assert.Collection(reading.Mismatches,
            m => Assert.Equal(("spent", 9932.55m, 9932.50m, 0.05m), (m.Column, m.Stated, m.Computed, m.Off)),
            m => Assert.Equal(("difference", 67.45m, 67.50m, -0.05m), (m.Column, m.Stated, m.Computed, m.Off)));
        Assert.Empty(reading.NotUnderstood);
    }

    [Fact]
    public void Wikitext_gives_the_link_text_the_zero_line_and_the_stated_total_1200_pesos_short()
    {
        var reading = FinanceTable.Read(Wikitext);

        Assert.Equal(["Editathon venue", "Food", "Transport for volunteers"], reading.Rows.Select(r => r.Label));
        Assert.Equal(new TableAmount(0m, null), reading.Rows[2].Approved);
        Assert.Equal(new TableAmount(34000m, "MXN"), reading.Rows[0].Spent);
        Assert.Null(reading.Rows[0].Difference);
        var off = Assert.Single(reading.Mismatches);
        Assert.Equal(("spent", 63500m, 64700m, -1200m, "MXN"), (off.Column, off.Stated, off.Computed, off.Off, off.Currency));
    }

    [Theory]
    [InlineData("4,500 USD", 4500, "USD")]
    [InlineData("$3,450 USD", 3450, "USD")]
    [InlineData("78,000 MXN", 78000, "MXN")]
    [InlineData("(106.75 USD)", -106.75, "USD")]
    [InlineData("USD 1,200.50", 1200.50, "USD")]
    [InlineData("0 USD", 0, "USD")]
    [InlineData("-", 0, null)]
    [InlineData("−15.20 EUR", -15.20, "EUR")]
    public void Amounts_read_as_the_tables_write_them(string cell, double value, string? currency)
    {
        Assert.True(FinanceTable.TryAmount(cell, out var amount));
        Assert.Equal(new TableAmount((decimal)value, currency), amount);
    }

    [Theory]
    [InlineData("about 300")]
    [InlineData("4,500 XYZ")]
    [InlineData("(12 USD")]
    public void What_is_not_an_amount_is_said_so(string cell) => Assert.False(FinanceTable.TryAmount(cell, out _));
}
