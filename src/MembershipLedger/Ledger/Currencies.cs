namespace MembershipLedger.Ledger;

/// <summary>
/// Active ISO 4217 currency codes with the number of digits of their minor unit (USD 2, JPY 0, TND 3).
/// Amounts are refused when they carry more decimals than their currency has, and conversions round to it.
/// </summary>
public static class Currencies
{
    // Grouped by minor unit; everything not listed under 0, 3 or 4 has cents.
    private const string ZeroDigits = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    private const string ThreeDigits = "BHD IQD JOD KWD LYD OMR TND";
    private const string FourDigits = "CLF UYW";
    private const string TwoDigits =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW " +
        "CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS " +
        "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN " +
        "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
        "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";

    private static readonly Dictionary<string, int> MinorDigits = Build();

    private static Dictionary<string, int> Build()
    {
        var digits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (codes, n) in new[] { (TwoDigits, 2), (ZeroDigits, 0), (ThreeDigits, 3), (FourDigits, 4) })
            foreach (var code in codes.Split(' '))
                digits[code] = n;
        return digits;
    }

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    /// <summary>Digits of the minor unit: 2 for USD, 0 for JPY, 3 for TND.</summary>
    public static int MinorUnit(string code) =>
        MinorDigits.TryGetValue(code, out var digits) ? digits : throw new ArgumentException($"'{code}' is not an ISO 4217 code.", nameof(code));

    /// <summary>True when <paramref name="amount"/> needs no more decimals than the currency's minor unit.</summary>
    public static bool FitsMinorUnit(decimal amount, string code) => decimal.Round(amount, MinorUnit(code)) == amount;

    /// <summary>Rounds to the currency's minor unit, half away from zero, as receipts and bank statements do.</summary>
    public static decimal Round(decimal amount, string code) =>
        decimal.Round(amount, MinorUnit(code), MidpointRounding.AwayFromZero);
}

/// <summary>Checks on amounts of money: exact <c>decimal</c> amounts with their ISO 4217 currency.</summary>
public static class Money
{
    /// <summary>
    /// The problem with an amount given in <paramref name="currency"/>, naming the offending field:
    /// an unknown code, a zero or negative amount, or more decimals than the currency's minor unit.
    /// </summary>
    public static LedgerProblem? Check(string currencyField, string amountField, decimal amount, string currency)
    {
        if (!Currencies.IsKnown(currency))
            return LedgerProblem.Field(currencyField, $"'{currency}' is not an ISO 4217 currency code such as USD, EUR or MAD.");
        if (amount <= 0m) return LedgerProblem.Field(amountField, "must be above zero.");
        if (!Currencies.FitsMinorUnit(amount, currency))
            return LedgerProblem.Field(amountField, $"{currency} has {Currencies.MinorUnit(currency)} decimal places; {amount} has more.");
        return null;
    }
}
