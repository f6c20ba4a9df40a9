using JasperFx.Events;

namespace MembershipLedger.Storage;

/// <summary>
/// The audit metadata every event carries besides Marten's own columns (timestamp, user name, correlation id):
/// the reason given and the channel it came through.
/// </summary>
public static class EventMetadata
{
    public const string Reason = "reason";
    public const string Source = "source";
    /// <summary>Who imported an event that was recorded elsewhere first (its recorder stays the original one).</summary>
    public const string ImportedBy = "imported-by";

    public static string? ReasonOf(IEvent e) => Text(e.GetHeader(Reason));
    public static string? SourceOf(IEvent e) => Text(e.GetHeader(Source));

    // Headers come back from the database as JsonElement, freshly appended ones as string.
    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } j => j.GetString(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
        _ => value.ToString(),
    };
}
