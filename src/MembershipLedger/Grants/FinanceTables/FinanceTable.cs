using System.Globalization;
using System.Text.RegularExpressions;
using MembershipLedger.Ledger;

namespace MembershipLedger.Grants.FinanceTables;

/// <summary>An amount as a finance table writes it: <c>4,500 USD</c>, <c>$3,450 USD</c>, <c>(106.75 USD)</c>, <c>-</c> (nothing).</summary>
/// <param name="Currency">The ISO 4217 code the cell names; null when it names none (the table's currency then applies).</param>
public sealed record TableAmount(decimal Value, string? Currency);

/// <summary>A row of the table: its label and its amounts, as read.</summary>
/// <param name="Line">The row's line number in the pasted text.</param>
/// <param name="IsTotal">A row whose label says it is a total: its amounts are stated totals, checked against the other rows.</param>
public sealed record FinanceRow(int Line, string Label, TableAmount? Approved, TableAmount? Spent, TableAmount? Difference, bool IsTotal);

/// <summary>A figure the table states that its rows do not give: a total against the sum of the rows, or a row's difference against approved less spent.</summary>
/// <param name="Off">Stated less computed, to the cent.</param>
public sealed record Mismatch(int Line, string What, string Column, decimal Stated, decimal Computed, decimal Off, string? Currency);

/// <summary>A line of the pasted text the reader could not use, and why.</summary>
public sealed record UnreadRow(int Line, string Text, string Why);

/// <summary>What a finance table says: its rows, its stated totals, the sums the rows give per column, and what does not add up.</summary>
public sealed record FinanceReading(
    IReadOnlyList<FinanceRow> Rows, IReadOnlyList<FinanceRow> Totals, IReadOnlyDictionary<string, decimal> Sums, IReadOnlyList<Mismatch> Mismatches,
    IReadOnlyList<UnreadRow> NotUnderstood);

/// <summary>
/// Reads the "Finances" section of a Meta-Wiki grant report: as wikitext (<c>{| class="wikitable"</c> … <c>|-</c> …
/// <c>| cell || cell</c>) or as the rendered table copied from a browser (cells separated by tabs, or by <c>|</c>). The
/// columns are found by their headers (Expense | Approved amount | Actual funds spent | Difference, and the usual
/// variants); without a header row they are taken in that order. A row labelled "Total" states totals: each is checked
/// against the sum of the rows, and each row's difference against its approved amount less its spending.
/// </summary>
public static partial class FinanceTable
{
    private enum Column { Label, Approved, Spent, Difference, Other }

    public static FinanceReading Read(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var rawRows = text.Contains("{|", StringComparison.Ordinal) ? WikitextRows(lines) : RenderedRows(lines);
        var unread = new List<UnreadRow>();
        Column[]? columns = null;
        var rows = new List<FinanceRow>();
        var totals = new List<FinanceRow>();
        foreach (var (line, cells, header) in rawRows)
        {
            if (cells.Count == 0 || cells.All(string.IsNullOrWhiteSpace)) continue;
            if (header || (columns is null && cells.Skip(1).Any(c => ColumnOf(c) is Column.Approved or Column.Spent) && !cells.Skip(1).Any(c => TryAmount(c, out var a) && a is not null)))
            {
                columns = [.. cells.Select((c, i) => i == 0 ? Column.Label : ColumnOf(c))];
                continue;
            }
            columns ??= [Column.Label, Column.Approved, Column.Spent, Column.Difference];
            if (cells.Count < 2)
            {
                unread.Add(new UnreadRow(line, string.Join(" | ", cells), "has no amount: a row reads label | approved | spent (| difference)."));
                continue;
            }
            TableAmount? approved = null, spent = null, difference = null;
            string? bad = null;
            for (var i = 1; i < cells.Count && i < columns.Length; i++)
            {
                if (columns[i] is Column.Other or Column.Label) continue;
                if (!TryAmount(cells[i], out var amount)) { bad = $"'{cells[i].Trim()}' is not an amount such as 4,500 USD, $3,450 USD, (106.75 USD) or -."; break; }
                switch (columns[i])
                {
                    case Column.Approved: approved = amount; break;
                    case Column.Spent: spent = amount; break;
                    case Column.Difference: difference = amount; break;
                }
            }
            var label = Plain(cells[0]);
            if (bad is not null || label.Length == 0)
            {
                unread.Add(new UnreadRow(line, string.Join(" | ", cells), bad ?? "has no label."));
                continue;
            }
            var row = new FinanceRow(line, label, approved, spent, difference, TotalLabel().IsMatch(label));
            (row.IsTotal ? totals : rows).Add(row);
        }

        var sums = new Dictionary<string, decimal>
        {
            ["approved"] = rows.Sum(r => r.Approved?.Value ?? 0m), ["spent"] = rows.Sum(r => r.Spent?.Value ?? 0m),
            ["difference"] = rows.Sum(r => r.Difference?.Value ?? 0m),
        };
        var mismatches = new List<Mismatch>();
        // A row's difference is checked where its amounts are in one currency (a table may approve in USD and spend in MXN).
        foreach (var row in rows.Where(r => r.Approved is not null && r.Spent is not null && r.Difference is not null
                     && (r.Approved.Currency is null || r.Spent.Currency is null || r.Approved.Currency == r.Spent.Currency)))
        {
            var computed = row.Approved!.Value - row.Spent!.Value;
            // A table writes an overspent line's difference as (106.75) or as 106.75: either sign is the same figure.
            if (row.Difference!.Value != computed && -row.Difference.Value != computed)
                mismatches.Add(new Mismatch(row.Line, row.Label, "difference", row.Difference.Value, computed, row.Difference.Value - computed, row.Difference.Currency));
        }
        foreach (var total in totals)
            foreach (var (column, stated) in new[] { ("approved", total.Approved), ("spent", total.Spent), ("difference", total.Difference) })
                if (stated is not null && stated.Value != sums[column] && !(column == "difference" && -stated.Value == sums[column]))
                    mismatches.Add(new Mismatch(total.Line, total.Label, column, stated.Value, sums[column], stated.Value - sums[column], stated.Currency));
        return new FinanceReading(rows, totals, sums, mismatches, unread);
    }

    private static Column ColumnOf(string header)
    {
        var h = header.Trim().ToLowerInvariant();
        if (Regex.IsMatch(h, @"approv|budget|request|planned|allocated|granted")) return Column.Approved;
        if (Regex.IsMatch(h, @"actual|spent|spending|expend|used|cost")) return Column.Spent;
        if (Regex.IsMatch(h, @"differ|varian|remain|balance|left|unspent")) return Column.Difference;
        if (Regex.IsMatch(h, @"expense|item|category|line|description")) return Column.Label;
        return Column.Other;
    }

    [GeneratedRegex(@"\btotals?\b", RegexOptions.IgnoreCase)]
    private static partial Regex TotalLabel();

    // 4,500 USD · $3,450 USD · USD 1,200.50 · 78,000 MXN · (106.75 USD) · -106.75 · 0 USD · - · —
    [GeneratedRegex(@"^(?<open>\()?\s*(?<neg>[-−–])?\s*(?<pre>[A-Z]{3})?\s*[$€£]?\s*(?<neg2>[-−–])?\s*(?<num>\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?)\s*(?<code>[A-Z]{3})?\s*(?<close>\))?$")]
    private static partial Regex AmountPattern();

    /// <summary>Reads a cell: an empty one is no amount (null); a dash is zero, as tables write a line that holds nothing.</summary>
    public static bool TryAmount(string cell, out TableAmount? amount)
    {
        amount = null;
        var text = Plain(cell).Replace('\u00a0', ' ').Trim();
        if (text.Length == 0) return true;
        amount = new TableAmount(0m, null);
        if (text is "-" or "–" or "—" or "n/a" or "N/A") return true;
        var m = AmountPattern().Match(text);
        if (!m.Success || m.Groups["open"].Success != m.Groups["close"].Success) return false;
        var code = m.Groups["code"].Success ? m.Groups["code"].Value : m.Groups["pre"].Success ? m.Groups["pre"].Value : null;
        if (code is not null && !Currencies.IsKnown(code)) return false;
        var value = decimal.Parse(m.Groups["num"].Value.Replace(",", ""), NumberStyles.Number, CultureInfo.InvariantCulture);
        if (m.Groups["open"].Success || m.Groups["neg"].Success || m.Groups["neg2"].Success) value = -value;
        amount = new TableAmount(value, code);
        return true;
    }

    private static IEnumerable<(int Line, List<string> Cells, bool Header)> WikitextRows(string[] lines)
    {
        var cells = new List<string>();
        var header = false;
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("|-") || line.StartsWith("|}"))
            {
                if (cells.Count > 0) yield return (start, cells, header);
                cells = [];
                header = false;
                continue;
            }
            if (line.StartsWith("{|") || line.StartsWith("|+")) continue;
            if (line.StartsWith('!') || line.StartsWith('|'))
            {
                if (cells.Count == 0) start = i + 1;
                header |= line.StartsWith('!');
                var separator = line.StartsWith('!') ? "!!" : "||";
                foreach (var cell in Protected(line[1..]).Split(separator)) cells.Add(Restored(WithoutAttributes(cell)));
            }
            else if (cells.Count > 0 && line.Length > 0) cells[^1] += " " + line;
        }
        if (cells.Count > 0) yield return (start, cells, header);
    }

    private static IEnumerable<(int Line, List<string> Cells, bool Header)> RenderedRows(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) continue;
            var cells = line.Contains('\t') ? line.Split('\t') : line.Contains('|') ? line.Trim().Trim('|').Split('|') : Regex.Split(line.Trim(), @"\s{2,}");
            yield return (i + 1, [.. cells.Select(c => c.Trim())], false);
        }
    }

    // Inside a wikitext cell, "|" also ends a cell's attributes (style="…" | 4,500 USD) and separates a link's target from
    // its text ([[Page|text]]): links are protected before the cell is split, and attributes dropped.
    private static string Protected(string line) => Regex.Replace(line, @"\[\[[^\]]*\]\]", m => m.Value.Replace("|", "\u0001"));

    private static string Restored(string cell) => cell.Replace("\u0001", "|");

    private static string WithoutAttributes(string cell)
    {
        var bar = cell.IndexOf('|');
        return bar >= 0 && cell[..bar].Contains('=') ? cell[(bar + 1)..] : cell;
    }

    /// <summary>A cell's text without its markup: bold and italics, links (their text), templates and references.</summary>
    public static string Plain(string cell)
    {
        var text = Regex.Replace(cell, @"<ref[^>]*/>|<ref[^>]*>.*?</ref>|\{\{[^}]*\}\}|<[^>]+>", "");
        text = Regex.Replace(text, @"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", "$1");
        text = Regex.Replace(text, @"\[https?://\S+\s+([^\]]*)\]", "$1");
        return text.Replace("'''", "").Replace("''", "").Trim();
    }
}
