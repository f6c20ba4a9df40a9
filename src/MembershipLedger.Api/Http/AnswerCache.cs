using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using MembershipLedger.Api.Database;
using MembershipLedger.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MembershipLedger.Api.Http;

/// <summary>
/// Counts the ledger's changes as this node learns of them: every append on any node (Marten's <c>mt_events_appended</c>
/// notification, sent by the chain's sealer as it seals the append, milliseconds after its commit), every rebuild (<c>ledger_changed</c>), and every write
/// request this node answered (so a person reads their own write here at once, before the notification arrives).
/// Two reads under the same count read the same ledger.
/// <para>
/// While the listening connection is down this node cannot know what other nodes commit: <see cref="Live"/> is false,
/// and nothing is served from the cache until it listens again.
/// </para>
/// </summary>
public sealed class LedgerChanges(NpgsqlDataSource source, ILogger<LedgerChanges> logger) : BackgroundService
{
    private long _count;
    private volatile bool _live;
    private bool _warned;

    public long Count => Volatile.Read(ref _count);

    public bool Live => _live;

    public void Changed() => Interlocked.Increment(ref _count);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => Changed();
                await using (var listen = new NpgsqlCommand($"listen mt_events_appended; listen {LedgerProjections.RebuiltChannel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                // Whatever was committed while this node was not listening counts as a change.
                Changed();
                _live = true;
                if (_warned) logger.LogInformation("Listening for the ledger's changes again.");
                _warned = false;
                try
                {
                    while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
                }
                finally
                {
                    // The connection goes back to the pool: it must not keep listening for whoever takes it next.
                    if (connection.State == System.Data.ConnectionState.Open)
                        try { await using var unlisten = new NpgsqlCommand("unlisten *", connection); await unlisten.ExecuteNonQueryAsync(CancellationToken.None); }
                        catch (NpgsqlException) { }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error)
            {
                // Said once per outage (the database down says so itself, every second, elsewhere).
                if (_live || !_warned)
                    logger.LogWarning(error, "Cannot listen for the ledger's changes; kept answers are not served until it listens again.");
                _warned = true;
                _live = false;
                Changed();
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
                catch (OperationCanceledException) { break; }
            }
        }
        _live = false;
    }

    /// <summary>
    /// Every request that may write (anything but GET and HEAD) counts as a change: as its answer starts (so before the
    /// client can ask again, after the write committed), and once more when it ends (an answer that never started).
    /// </summary>
    public static void CountWrites(WebApplication app) => app.Use(async (http, next) =>
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            await next(http);
            return;
        }
        var changes = http.RequestServices.GetRequiredService<LedgerChanges>();
        http.Response.OnStarting(() =>
        {
            changes.Changed();
            return Task.CompletedTask;
        });
        try
        {
            await next(http);
        }
        finally
        {
            changes.Changed();
        }
    });
}

/// <summary>
/// Answers of the ledger's public reads, with validators, and kept for reuse while the ledger does not change.
/// <list type="bullet">
/// <item>Every answer carries a strong <c>ETag</c> (a hash of its bytes) and <c>Cache-Control: no-cache</c>: a client or a
/// proxy may keep it, and asks again with <c>If-None-Match</c>; an unchanged answer is then a bodiless 304.</item>
/// <item>An answer that depends only on the ledger and the question (a roster on a given date, as known now or at a given
/// moment; a spend trail, as of a date or of everything recorded) is kept in memory under the count of <see cref="LedgerChanges"/> when it was asked;
/// the next identical question under the same count is answered from memory, without the database.</item>
/// </list>
/// Why revalidate every time rather than let clients keep "as known at" answers for good: in this ledger the past can
/// still change. An import may add events recorded long ago (a migration keeps their times), and an erasure rewrites
/// personal data in past answers. <c>no-cache</c> makes every client ask again, so an erased name is never served from
/// a cache after the erasure commits.
/// <para>
/// A node with a read replica does not keep answers (a replica may lag behind the changes this node counts).
/// </para>
/// </summary>
public sealed class AnswerCache(LedgerChanges changes, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IServiceProvider services)
{
    /// <summary>Says where an answer came from: <c>kept</c> (memory), <c>fresh</c> (the database, now kept) or <c>not-kept</c>.</summary>
    public const string AnswerHeader = "Ledger-Answer";

    /// <summary>How many answers and figures are kept at most (a roster or a trail page is 20–60 KB, so tens of MB at most); past it, all are let go and kept again.</summary>
    public const int MaxKept = 1_000;

    /// <summary>An answer's bytes and validator.</summary>
    private sealed record Answer(byte[] Body, string ETag);

    private sealed record Kept(long Count, object Value);

    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private readonly bool _enabled = services.GetService<ReadReplica>() is null;

    /// <param name="keep">True when the answer depends on nothing but the ledger and the request's path and query (not on the clock, nor on who asks).</param>
    public async Task<IResult> ServeAsync(HttpContext http, bool keep, Func<Task<IResult>> answer)
    {
        keep &= _enabled && changes.Live;
        var key = "answer|" + http.Request.Path.Value + http.Request.QueryString.Value;
        var count = changes.Count;
        if (keep && TryKept<Answer>(key, count) is { } kept)
        {
            http.Response.Headers[AnswerHeader] = "kept";
            return Validated(http, kept.Body, kept.ETag);
        }

        var result = await answer();
        if (result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } || result is not IValueHttpResult { Value: { } value })
            return result;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions);
        var etag = $"\"{Convert.ToBase64String(SHA256.HashData(body), 0, 18).Replace('+', '-').Replace('/', '_')}\"";
        if (keep) Keep(key, count, new Answer(body, etag));
        http.Response.Headers[AnswerHeader] = keep ? "fresh" : "not-kept";
        return Validated(http, body, etag);
    }

    /// <summary>
    /// A value computed from the ledger and <paramref name="key"/> alone (a group's monthly figures, their chart), kept
    /// under the same count of changes as the answers: computed again after any change.
    /// </summary>
    public async Task<T> KeepAsync<T>(string key, Func<Task<T>> compute) where T : class
    {
        var keep = _enabled && changes.Live;
        var count = changes.Count;
        if (keep && TryKept<T>(key, count) is { } kept) return kept;
        var value = await compute();
        if (keep) Keep(key, count, value);
        return value;
    }

    /// <summary>What was kept under <paramref name="key"/> while the ledger stood at <paramref name="count"/>, or null.</summary>
    private T? TryKept<T>(string key, long count) where T : class =>
        _kept.TryGetValue(key, out var kept) && kept.Count == count ? (T)kept.Value : null;

    private void Keep(string key, long count, object value)
    {
        if (_kept.Count >= MaxKept) _kept.Clear();
        _kept[key] = new Kept(count, value);
    }

    private static IResult Validated(HttpContext http, byte[] body, string etag)
    {
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        // If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
        return http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Any(t =>
                t == "*" || t == etag || (t.StartsWith("W/", StringComparison.Ordinal) && t[2..] == etag)))
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, "application/json; charset=utf-8");
    }
}
