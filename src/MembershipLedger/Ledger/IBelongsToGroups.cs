namespace MembershipLedger.Ledger;

/// <summary>
/// A stream's state, or an event that starts or moves a stream, naming the groups it belongs to. An organizer's key
/// writes a stream only when its group is among these, before the write and after it.
/// </summary>
public interface IBelongsToGroups
{
    IReadOnlyCollection<string> OwningGroups { get; }
}
