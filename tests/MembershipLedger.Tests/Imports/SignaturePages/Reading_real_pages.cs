using System.Text;
using Xunit.Abstractions;

namespace MembershipLedger.Tests.Imports.SignaturePages;

/// <summary>
/// The importer against 2,913 real signatures from discussion pages of nine Wikipedias (pl, en, fr, it, sr, ar, ckb, nl,
/// hu), each with its known author and instant, as HTML, as wikitext and as rendered text. The table the last test
/// prints is the one in docs/signature-lists.md.
/// </summary>
public class Reading_real_pages(ITestOutputHelper output)
{
    public static TheoryData<string, InputKind> Sources()
    {
        var data = new TheoryData<string, InputKind>();
        foreach (var page in SignaturePage.All)
            foreach (var kind in new[] { InputKind.Html, InputKind.Wikitext })
                data.Add(page.Name, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void In_HTML_and_wikitext_every_signature_reads_as_its_account_and_instant(string name, InputKind kind)
    {
        var score = Measure(name, kind);

        Assert.Empty(score.Wrong);
        Assert.Empty(score.Missed);
        Assert.Equal(score.Lines, score.Right);
    }

    // What each page's rendered text reads right today: a floor, so that a change to the rules that loses a line fails here.
    public static TheoryData<string, int> RenderedFloors() => new()
    {
        { "pl-big", 156 }, { "fake-headings", 16 }, { "en-big", 1137 }, { "fr-unsigned", 69 }, { "it-unsigned", 82 }, { "sr-cyrl", 164 },
        { "sr-latn", 175 }, { "ar-nbsp-timezone", 10 }, { "ar-no-paragraph", 81 }, { "ckb-big", 45 }, { "lrm-signature", 1 },
        { "fallback-encoding-link", 5 },
    };

    [Theory]
    [MemberData(nameof(RenderedFloors))]
    public void In_rendered_text_signatures_that_show_the_account_read_right(string name, int floor)
    {
        var score = Measure(name, InputKind.Rendered);

        Assert.True(score.Right >= floor, $"{score.Right} of {score.Lines} right, fewer than the {floor} before; missed: {string.Join("; ", score.Missed.Take(10))}");
    }

    [Fact]
    public void Across_the_pages_at_least_95_percent_of_rendered_signatures_read_right()
    {
        var table = new StringBuilder("| page | language | signatures | HTML | wikitext | rendered (of those showing the account) | rendered: showing another name |\n|---|---|---|---|---|---|---|\n");
        var (lines, right) = (0, 0);
        foreach (var page in SignaturePage.All)
        {
            var html = page.Measure(InputKind.Html);
            var wikitext = page.Measure(InputKind.Wikitext);
            var rendered = page.Measure(InputKind.Rendered);
            (lines, right) = (lines + rendered.Lines, right + rendered.Right);
            table.Append($"| {page.Name} | {page.Language} | {html.Lines} | {html.Right} ({html.Accuracy:P1}) | {wikitext.Right} ({wikitext.Accuracy:P1}) "
                + $"| {rendered.Right} of {rendered.Lines} ({rendered.Accuracy:P1}) | {rendered.Unknowable} |\n");
        }
        var overall = (double)right / lines;
        table.Append($"\nRendered text, all pages: {right} of {lines} signatures that show their account read right ({overall:P1}).\n");
        output.WriteLine(table.ToString());

        Assert.True(overall >= 0.95, $"{overall:P1} of rendered signatures read right.");
    }

    private SignaturePage.Score Measure(string name, InputKind kind)
    {
        var page = SignaturePage.All.Single(p => p.Name == name);
        var score = page.Measure(kind);
        output.WriteLine($"{page.Name} ({page.Language}) as {kind}: {score.Right}/{score.Lines} right ({score.Accuracy:P1}), {score.Wrong.Count} wrong, {score.Missed.Count} missed, {score.Unknowable} showing another name");
        foreach (var missed in score.Missed) output.WriteLine("missed: " + missed);
        foreach (var wrong in score.Wrong) output.WriteLine("wrong: " + wrong);
        return score;
    }
}
