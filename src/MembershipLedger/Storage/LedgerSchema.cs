namespace MembershipLedger.Storage;

/// <summary>Where the ledger's tables live: Marten's event store and documents, and the projections' own tables.</summary>
public static class LedgerSchema
{
    public const string Name = "ledger";

    public const string MembershipIntervals = Name + ".membership_intervals";
    public const string RoleIntervals = Name + ".role_intervals";
    public const string History = Name + ".ledger_history";
    public const string GrantEntries = Name + ".grant_entries";

    /// <summary>The grant entries' deltas summed per grant, day and budget line: what the trail's totals read.</summary>
    public const string GrantDays = Name + ".grant_days";
    public const string Timeline = Name + ".timeline";
    public const string TimelineZones = Name + ".timeline_zones";

    /// <summary>The projections' own tables: emptied before a rebuild replays the events into them.</summary>
    public static readonly IReadOnlyList<string> ProjectionTables = [MembershipIntervals, RoleIntervals, History, GrantEntries, GrantDays, Timeline, TimelineZones];
}
