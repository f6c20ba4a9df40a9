namespace MembershipLedger.Storage;

/// <summary>Parameters for the projections' own SQL: a missing value is SQL null, never the text "null".</summary>
public static class SqlValue
{
    public static object OrNull<T>(T? value) => (object?)value ?? DBNull.Value;
}
