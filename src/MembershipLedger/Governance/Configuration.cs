using JasperFx.Events.Projections;
using Marten;

namespace MembershipLedger.Governance;

public static class Configuration
{
    public static void AddGovernance(this StoreOptions options)
    {
        // Pinned names: renaming a C# type must never orphan stored events.
        options.Events.MapEventType<RecognitionApplied>("recognition-applied");
        options.Events.MapEventType<ProvisionallyApproved>("provisionally-approved");
        options.Events.MapEventType<GroupRecognized>("group-recognized");
        options.Events.MapEventType<AgreementSigned>("agreement-signed");
        options.Events.MapEventType<ReportSubmitted>("report-submitted");
        options.Events.MapEventType<RecognitionSuspended>("recognition-suspended");
        options.Events.MapEventType<RecognitionReinstated>("recognition-reinstated");
        options.Events.MapEventType<GroupDerecognized>("group-derecognized");
        options.Events.MapEventType<ComplianceRulesSet>("compliance-rules-set");
        options.Events.MapEventType<AffiliationStatementIssued>("affiliation-statement-issued");
        options.Events.MapEventType<AffiliationStatementRevoked>("affiliation-statement-revoked");
        options.Events.MapEventType<CapacitiesDeclared>("capacities-declared");
        options.Events.MapEventType<CapacitiesWithdrawn>("capacities-withdrawn");

        // Decisions read a group's standing live from its stream; compliance folds the same events known at a moment.
        options.Projections.LiveStreamAggregation<GroupStanding>();

        // Inline, so a statement can be checked and a capacity found as soon as the write returns.
        options.Projections.Add(new StatementProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new CapacityProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<CapacityProfile>().Index(c => c.Username).Index(c => c.GroupId);
        options.Schema.For<StatementRecord>().Index(s => s.StreamKey);
    }
}
