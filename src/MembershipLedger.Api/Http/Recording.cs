using Marten;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Http;

/// <summary>Stamps a write's audit metadata (who, through what, why, correlation) on every event of its session.</summary>
public static class Recording
{
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>The caller's <c>X-Correlation-Id</c> when it gives a usable one, else the request's own id.</summary>
    public static string CorrelationOf(HttpContext http) =>
        http.Request.Headers[CorrelationHeader].FirstOrDefault() is { Length: > 0 and <= 100 } given && !given.Any(char.IsControl)
            ? given
            : http.TraceIdentifier;

    public static void Stamp(IDocumentSession session, HttpContext http, string? reason)
    {
        session.LastModifiedBy = http.User.Identity?.Name ?? throw new InvalidOperationException("Writes are authenticated before they are stamped.");
        session.CorrelationId = CorrelationOf(http);
        session.SetHeader(EventMetadata.Source, "http");
        if (!string.IsNullOrWhiteSpace(reason)) session.SetHeader(EventMetadata.Reason, reason);
    }
}
