using System.Globalization;
using MembershipLedger.Grants.SpendTrail;
using MembershipLedger.Memberships.Roster;
using ScottPlot;

namespace MembershipLedger.Api.Web;

/// <summary>
/// The pages' charts, drawn on the server as SVG by ScottPlot. Each page prints the same figures as a table beside
/// its chart, so the chart is a picture of the table, never the only place a number is.
/// Months and dates are plotted as positions with their own labels: the ledger's times stay NodaTime throughout.
/// </summary>
public static class Charts
{
    private const int Width = 760;
    private static readonly Color Members = Color.FromHex("#1f5f8b");
    private static readonly Color Joins = Color.FromHex("#2e7d32");
    private static readonly Color Leaves = Color.FromHex("#b23b3b");
    private static readonly Color Budget = Color.FromHex("#9fb7cc");
    private static readonly Color Spent = Color.FromHex("#1f5f8b");

    /// <summary>Members at each month's end (a step line), with sign-ups above and departures below the axis.</summary>
    public static string MembersOverTime(IReadOnlyList<MembershipMonth> months)
    {
        var plot = NewPlot();
        var joined = plot.Add.Bars(months.Select((m, i) => new Bar { Position = i, Value = m.Joined, FillColor = Joins, LineWidth = 0 }).ToArray());
        joined.LegendText = "joined in the month";
        var left = plot.Add.Bars(months.Select((m, i) => new Bar { Position = i, Value = -m.Left, FillColor = Leaves, LineWidth = 0 }).ToArray());
        left.LegendText = "left in the month (below zero)";
        var x = Enumerable.Range(0, months.Count).Select(i => (double)i).ToArray();
        var count = plot.Add.ScatterLine(x, months.Select(m => (double)m.MembersAtEnd).ToArray(), Members);
        count.ConnectStyle = ConnectStyle.StepHorizontal;
        count.LineWidth = 2;
        count.LegendText = "members at the month's end";
        MonthTicks(plot, months.Select(m => m.Month).ToList());
        plot.YLabel("people");
        plot.ShowLegend(Alignment.LowerRight);
        return Svg(plot, 340);
    }

    /// <summary>Members at each period's end across the groups shown, with joins above and leaves below the axis.</summary>
    public static string Growth(IReadOnlyList<MembershipLedger.Governance.GrowthPoint> points)
    {
        var plot = NewPlot();
        var joined = plot.Add.Bars(points.Select((p, i) => new Bar { Position = i, Value = p.Joined, FillColor = Joins, LineWidth = 0 }).ToArray());
        joined.LegendText = "joined in the period";
        var left = plot.Add.Bars(points.Select((p, i) => new Bar { Position = i, Value = -p.Left, FillColor = Leaves, LineWidth = 0 }).ToArray());
        left.LegendText = "left in the period (below zero)";
        var count = plot.Add.ScatterLine(Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray(), points.Select(p => (double)p.MembersAtEnd).ToArray(), Members);
        count.ConnectStyle = ConnectStyle.StepHorizontal;
        count.LineWidth = 2;
        count.LegendText = "members at the period's end";
        var step = Math.Max(1, points.Count / 12);
        var ticks = points.Select((p, i) => (p, i)).Where(t => t.i % step == 0).ToList();
        plot.Axes.Bottom.SetTicks(ticks.Select(t => (double)t.i).ToArray(), ticks.Select(t => t.p.Period).ToArray());
        plot.YLabel("people");
        plot.ShowLegend(Alignment.UpperLeft);
        return Svg(plot, 340);
    }

    /// <summary>Each budget line's budget beside what was spent on it; overspent lines are marked.</summary>
    public static string BudgetAgainstActual(IReadOnlyList<LineBalance> lines, string currency)
    {
        var plot = NewPlot();
        var bars = new List<Bar>();
        for (var i = 0; i < lines.Count; i++)
        {
            bars.Add(new Bar { Position = i * 3, Value = (double)lines[i].Budgeted, FillColor = Budget, LineWidth = 0 });
            bars.Add(new Bar
            {
                Position = i * 3 + 1, Value = (double)lines[i].Spent, FillColor = lines[i].Overspent ? Leaves : Spent, LineWidth = 0,
                Label = lines[i].Overspent ? "overspent" : "",
            });
        }
        var plotted = plot.Add.Bars(bars.ToArray());
        plotted.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.SetTicks(
            lines.Select((_, i) => i * 3 + 0.5).ToArray(),
            lines.Select(l => $"{l.Category} ({l.LineId})").ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel(currency);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "budgeted", FillColor = Budget });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "spent", FillColor = Spent });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "spent, line overspent", FillColor = Leaves });
        plot.ShowLegend(Alignment.UpperRight);
        return Svg(plot, 320);
    }

    /// <summary>Money spent to date after each entry (a step line) against the award (a horizontal line).</summary>
    public static string CumulativeSpend(IReadOnlyList<(LocalDate Day, decimal SpentToDate)> points, decimal awarded, string currency)
    {
        var plot = NewPlot();
        if (points.Count > 0)
        {
            var first = points[0].Day;
            var x = points.Select(p => (double)Period.Between(first, p.Day, PeriodUnits.Days).Days).ToArray();
            var line = plot.Add.ScatterLine(x, points.Select(p => (double)p.SpentToDate).ToArray(), Spent);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = "spent to date";
            var days = points.Select(p => p.Day).Distinct().ToList();
            var step = Math.Max(1, days.Count / 6);
            var ticks = days.Where((_, i) => i % step == 0).ToList();
            plot.Axes.Bottom.SetTicks(
                ticks.Select(d => (double)Period.Between(first, d, PeriodUnits.Days).Days).ToArray(),
                ticks.Select(d => d.ToString("d MMM yyyy", CultureInfo.InvariantCulture)).ToArray());
        }
        // Money starts at zero: an axis cut above it would make 1,135 of 1,200 look like nothing left.
        plot.Axes.SetLimitsY(0, (double)Math.Max(awarded, points.Count > 0 ? points.Max(p => p.SpentToDate) : 0) * 1.1 + 1);
        var award = plot.Add.HorizontalLine((double)awarded, 1.5f, Leaves, LinePattern.Dashed);
        award.LegendText = $"awarded ({awarded.ToString("N2", CultureInfo.InvariantCulture)} {currency})";
        plot.YLabel(currency);
        plot.ShowLegend(Alignment.LowerRight);
        return Svg(plot, 300);
    }

    /// <summary>A person's memberships and roles as lanes (one row per group and role) over the years.</summary>
    public static string Lanes(IReadOnlyList<(string Lane, double From, double To, bool OpenEnd)> spans, IReadOnlyList<(double Position, string Label)> years)
    {
        var plot = NewPlot();
        var lanes = spans.Select(s => s.Lane).Distinct().ToList();
        foreach (var span in spans)
        {
            var row = lanes.Count - 1 - lanes.IndexOf(span.Lane);
            var rectangle = plot.Add.Rectangle(span.From, span.To, row - 0.35, row + 0.35);
            rectangle.FillColor = span.Lane.Contains(" · ") ? Joins : Members;
            rectangle.LineWidth = 0;
        }
        plot.Axes.Left.SetTicks(lanes.Select((_, i) => (double)(lanes.Count - 1 - i)).ToArray(), lanes.ToArray());
        plot.Axes.Bottom.SetTicks(years.Select(y => y.Position).ToArray(), years.Select(y => y.Label).ToArray());
        return Svg(plot, 80 + 42 * Math.Max(1, lanes.Count));
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        return plot;
    }

    /// <summary>Labels about twelve of the months, on January where there are many.</summary>
    private static void MonthTicks(Plot plot, IReadOnlyList<YearMonth> months)
    {
        var step = months.Count <= 12 ? 1 : months.Count <= 36 ? 3 : 12;
        var ticks = months.Select((m, i) => (m, i)).Where(t => step == 1 || (step == 12 ? t.m.Month == 1 : (t.m.Month - 1) % 3 == 0)).ToList();
        plot.Axes.Bottom.SetTicks(ticks.Select(t => (double)t.i).ToArray(),
            ticks.Select(t => step == 12 ? t.m.Year.ToString(CultureInfo.InvariantCulture) : t.m.ToString("MMM yyyy", CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>The SVG element alone (no XML declaration), to be inlined in the page.</summary>
    private static string Svg(Plot plot, int height)
    {
        var svg = plot.GetSvgXml(Width, height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return svg[start..].Replace("<svg ", $"<svg viewBox=\"0 0 {Width} {height}\" preserveAspectRatio=\"xMinYMin meet\" aria-hidden=\"true\" focusable=\"false\" ", StringComparison.Ordinal);
    }
}
