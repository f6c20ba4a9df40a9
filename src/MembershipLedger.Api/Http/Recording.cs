using Marten;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Http;

/// <summary>Stamps a write's audit metadata (who, through what, why, correlation) on every event of its session.</summary>
public static class Recording
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public static void Stamp(IDocumentSession session, HttpContext http, string? reason)
    {
        session.LastModifiedBy = http.User.Identity?.Name ?? "anonymous";
        session.CorrelationId = http.Request.Headers[CorrelationHeader].FirstOrDefault() is { Length: > 0 and <= 100 } given
            ? given
            : http.TraceIdentifier;
        session.SetHeader(EventMetadata.Source, "http");
        if (!string.IsNullOrWhiteSpace(reason)) session.SetHeader(EventMetadata.Reason, reason);
    }
}
