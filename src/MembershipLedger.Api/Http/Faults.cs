using MembershipLedger.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace MembershipLedger.Api.Http;

/// <summary>
/// What a request gets when something throws, as problem details: an event the rules refuse is the caller's input
/// (400, naming the field); a database that cannot be reached or does not answer in time is the ledger's state, not a
/// bug (503 with Retry-After, so a client retries rather than gives up). Anything else stays a 500.
/// </summary>
public sealed class Faults(ILogger<Faults> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        IResult? result = exception switch
        {
            EventRuleViolation violation => Problems.From(violation.Problem),
            // A write that lost a race to the same stream, found as its transaction commits: 412 when the caller named
            // the version it expected (If-Match), 409 otherwise. Nothing was appended.
            JasperFx.ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException =>
                Versions.Expected(http.Request).Version is { } expected ? Versions.Stale(expected, null) : Problems.ConcurrentWrite(),
            _ when IsDatabaseUnavailable(exception) => Unavailable(),
            _ => null,
        };
        if (result is null) return false;
        if (result is IStatusCodeHttpResult { StatusCode: 503 })
        {
            logger.LogWarning(exception, "Answered 503: the database is unavailable.");
            http.Response.Headers.RetryAfter = "5";
        }
        await result.ExecuteAsync(http);
        return true;
    }

    /// <summary>The ledger's database is down, restarting, or did not answer in time (a rebuild holds appends).</summary>
    public static bool IsDatabaseUnavailable(Exception exception) => exception switch
    {
        // 57P01–57P03: the server is shutting down or starting; 53300: no connection slots; 08xxx: connection failures.
        PostgresException p => p.SqlState is "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is System.Net.Sockets.SocketException or TimeoutException or IOException,
        TimeoutException => true,
        _ => exception.InnerException is { } inner && IsDatabaseUnavailable(inner),
    };

    public static IResult Unavailable() =>
        TypedResults.Problem("The ledger's database cannot be reached just now; nothing was recorded. Retry in a few seconds.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unavailable",
            extensions: new Dictionary<string, object?> { ["rule"] = "database-unavailable" });
}
