using MembershipLedger.Storage;

namespace MembershipLedger.Api.Http;

/// <summary>Stamps a write's audit metadata (who, through what, why, correlation) on every event of its session.</summary>
public static class Recording
{
    public const string CorrelationHeader = "X-Correlation-Id";
    private const string ReasonItem = "ledger.reason";
    private const string EnlistItem = "ledger.enlist";

    /// <summary>Through what a request came, when not straight over HTTP: the web pages set "web" on the requests they send.</summary>
    public const string SourceItem = "ledger.source";

    public static string SourceOf(HttpContext http) => http.Items[SourceItem] as string ?? "http";

    /// <summary>The caller's <c>X-Correlation-Id</c> when it gives a usable one, else the request's own id.</summary>
    public static string CorrelationOf(HttpContext http) =>
        http.Request.Headers[CorrelationHeader].FirstOrDefault() is { Length: > 0 and <= 100 } given && !given.Any(char.IsControl)
            ? given
            : http.TraceIdentifier;

    /// <summary>The reason a bound request gave (<see cref="IHasReason"/>), for <see cref="Stamp(IDocumentSession, HttpContext)"/>.</summary>
    public static void GiveReason(HttpContext http, string reason) => http.Items[ReasonItem] = reason;

    /// <summary>
    /// Work to do on the session that saves the request's write, in its transaction: the idempotency middleware's
    /// "committed" marker. Kept on the request because the session is opened later, by whichever path writes.
    /// </summary>
    public static void Enlist(HttpContext http, Action<IDocumentSession> work) => http.Items[EnlistItem] = work;

    public static void Stamp(IDocumentSession session, HttpContext http) => Stamp(session, http, http.Items[ReasonItem] as string);

    public static void Stamp(IDocumentSession session, HttpContext http, string? reason)
    {
        session.LastModifiedBy = http.User.Identity?.Name ?? throw new InvalidOperationException("Writes are authenticated before they are stamped.");
        session.CorrelationId = CorrelationOf(http);
        session.SetHeader(EventMetadata.Source, SourceOf(http));
        if (!string.IsNullOrWhiteSpace(reason)) session.SetHeader(EventMetadata.Reason, reason);
        if (http.Items[EnlistItem] is Action<IDocumentSession> enlisted) enlisted(session);
    }
}
