using JasperFx.Events.Projections;
using Marten;

namespace MembershipLedger.Timelines;

public static class Configuration
{
    /// <summary>
    /// Registered after the features whose events it shows. Asynchronous: nobody reads a timeline to see their own write
    /// land, so the daemon applies it after the write commits, on one node of the cluster, and a read says when it is behind.
    /// </summary>
    public static void AddTimelines(this StoreOptions options) =>
        options.Projections.Add(new TimelineProjection(), ProjectionLifecycle.Async);
}
