using JasperFx.Events.Projections;
using Marten;
using MembershipLedger.Grants.SpendTrail;

namespace MembershipLedger.Grants;

public static class Configuration
{
    public static void AddGrants(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<GrantAwarded>("grant-awarded");
        options.Events.MapEventType<BudgetLineAdded>("budget-line-added");
        options.Events.MapEventType<BudgetLineRevised>("budget-line-revised");
        options.Events.MapEventType<ExpenseRecorded>("expense-recorded");
        options.Events.MapEventType<ExpenseReversed>("expense-reversed");
        options.Events.MapEventType<FundsReturned>("funds-returned");
        options.Events.MapEventType<GrantClosed>("grant-closed");
        options.Events.MapEventType<GrantAmended>("grant-amended");
        options.Events.MapEventType<BudgetReallocated>("budget-reallocated");
        options.Events.MapEventType<FundsReceived>("funds-received");

        // The grant's slim state is an inline snapshot: a grant with a hundred thousand expenses is not replayed
        // for each new one, and GET /grants reads what the last write wrote.
        options.Projections.Snapshot<Grant>(SnapshotLifecycle.Inline);
        options.Schema.For<Grant>().Index(g => g.GroupId);
        options.Projections.Add(new SpendTrailProjection(), ProjectionLifecycle.Inline);
    }
}
