using JasperFx.Events.Projections;
using Marten;

namespace MembershipLedger.Timelines;

public static class Configuration
{
    /// <summary>Registered after the features whose events it shows.</summary>
    public static void AddTimelines(this StoreOptions options) =>
        options.Projections.Add(new TimelineProjection(), ProjectionLifecycle.Inline);
}
