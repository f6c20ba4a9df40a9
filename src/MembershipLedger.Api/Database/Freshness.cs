using System.Globalization;
using MembershipLedger.Storage;
using NodaTime.Text;

namespace MembershipLedger.Api.Database;

/// <summary>
/// Reads of an asynchronous projection (histories, timelines): they wait a moment for the events recorded before the
/// request (so a person sees what they just recorded), and an answer from a projection still behind says so, in
/// <c>Ledger-Projection-Behind</c> (events not yet in it) and <c>Ledger-Projection-Waiting-Since</c> (when the oldest
/// of them was recorded).
/// </summary>
public static class Freshness
{
    public const string BehindHeader = "Ledger-Projection-Behind";
    public const string WaitingSinceHeader = "Ledger-Projection-Waiting-Since";

    /// <summary>Long enough for the daemon to apply a write made just before; short enough that a stopped daemon costs little.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>Where <paramref name="projection"/> stands after waiting, at most <see cref="Bound"/>, for what was recorded before (not for a backlog).</summary>
    public static async Task<ProjectionStanding> StandingAsync(Npgsql.NpgsqlDataSource db, string projection, CancellationToken ct) =>
        (await AsyncProjections.CatchUpAsync(db, [projection], Bound, ct, unlessBeyond: AsyncProjections.FarBehind))[0];

    public static async Task<ProjectionStanding> AwaitAsync(HttpContext http, Reads db, string projection, CancellationToken ct)
    {
        var standing = await StandingAsync(db, projection, ct);
        if (!standing.Current)
        {
            http.Response.Headers[BehindHeader] = standing.Behind.ToString(CultureInfo.InvariantCulture);
            if (standing.WaitingSince is { } since) http.Response.Headers[WaitingSinceHeader] = InstantPattern.ExtendedIso.Format(since);
        }
        return standing;
    }

    /// <summary>For a page: "this history is 3 events behind the ledger (the oldest waiting for 12 s)"; null when current.</summary>
    public static string? Describe(ProjectionStanding standing, string what, Instant now) =>
        standing.Current ? null
            : $"This {what} is {standing.Behind} event{(standing.Behind == 1 ? "" : "s")} behind the ledger" +
              (standing.WaitingSince is { } since ? $" (the oldest waiting for {Waited(now - since)})" : "") +
              ": the node that applies them is catching up. Reload in a moment.";

    private static string Waited(Duration waited) =>
        waited < Duration.FromMinutes(2) ? $"{Math.Max(0, (int)waited.TotalSeconds)} s"
        : waited < Duration.FromHours(2) ? $"{(int)waited.TotalMinutes} min"
        : $"{(int)waited.TotalHours} h";
}
