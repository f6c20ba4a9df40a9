using System.Globalization;
using MembershipLedger.Grants.SpendTrail;

namespace MembershipLedger.Api.Grants;

/// <summary>The spend trail as CSV (RFC 4180): one row per entry, amounts with a dot and no grouping, as spreadsheets read them.</summary>
public static class SpendTrailCsvFormat
{
    public const string Header =
        "position,effective_on,type,line,category,budget_change,spent_change,returned_change,paid_amount,paid_currency,exchange_rate,currency,payee,description,reference,spent_to_date,remaining,flags,recorded_at,recorded_by,reason";

    public static string Row(TrailEntry e, string currency) => string.Join(',',
        e.Position.ToString(CultureInfo.InvariantCulture), e.EffectiveOn.ToString(), e.Type, Field(e.LineId), Field(e.Category),
        Money(e.BudgetChange), Money(e.SpentChange), Money(e.ReturnedChange), e.PaidAmount is { } paid ? Money(paid) : "", Field(e.PaidCurrency),
        e.ExchangeRate?.ToString(CultureInfo.InvariantCulture) ?? "", currency, Field(e.Payee), Field(e.Description), Field(e.Reference),
        Money(e.SpentToDate), Money(e.Remaining), Field(string.Join(' ', e.Flags)), e.RecordedAt.ToString(), Field(e.RecordedBy), Field(e.Reason));

    /// <summary>The report's budget against actual, a row per line and a total row, for a spreadsheet.</summary>
    public const string ReportHeader = "line,category,budgeted,spent,variance,variance_percent,overspent,currency";

    public static string ReportRow(ReportLine l, string currency) => string.Join(',',
        Field(l.LineId), Field(l.Category), Money(l.Budgeted), Money(l.Spent), Money(l.Variance),
        l.VariancePercent?.ToString("0.0", CultureInfo.InvariantCulture) ?? "", l.Overspent ? "yes" : "no", currency);

    private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    // Quoted when needed; a leading =, +, - or @ is prefixed with ' so a spreadsheet shows text rather than running a formula.
    private static string Field(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text[0] is '=' or '+' or '-' or '@') text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}
