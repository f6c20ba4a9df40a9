using System.Security.Cryptography;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Http;

/// <summary>A POST answered under an <c>Idempotency-Key</c>: what came in (as a hash) and what went out.</summary>
/// <param name="Id">The caller's principal and key: one caller's keys never collide with another's.</param>
/// <param name="Status">0 while the first request is being answered and has committed nothing; <see cref="Idempotency.Committed"/>
/// once its write committed (the marker is saved in the write's own transaction) and until its answer is stored.</param>
/// <param name="At">When the key was claimed, or its answer stored: a claim left at 0 longer than <see cref="Idempotency.ClaimTimeout"/> was abandoned.</param>
public sealed record IdempotentRequest(
    string Id, string Method, string Path, string BodyHash, int Status, string? ContentType, string? Location, string? ETag, byte[]? Body, Instant At);

/// <summary>
/// Retries of a POST are safe when the caller names the attempt with <c>Idempotency-Key</c>: the same key with the same
/// body gets the first answer again and appends nothing; the same key with another body is refused (422). The key is
/// claimed before the request runs, so two copies sent at once cannot both append: the second is told to retry (409).
/// Answers of 5xx are not kept, so a failed attempt may be retried under the same key.
/// <para>
/// A crash cannot strand a key. The request's own session carries a "committed" marker, so the marker commits in the
/// write's transaction or not at all; a claim that never committed expires after <see cref="ClaimTimeout"/> and the
/// retry runs the request (once: it never committed). A retry that finds the write committed but the host gone before
/// it stored the answer is told so (200, <c>Idempotent-Replayed</c>) rather than running the write again.
/// </para>
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;
    private const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>Status of a key whose write committed and whose answer is not stored yet.</summary>
    public const int Committed = -1;

    /// <summary>
    /// Longer than any request runs (Kestrel and the database time out well before): a claim this old was abandoned by a
    /// crash. <c>Ledger:IdempotencyClaimTimeout</c> (a time span) changes it: the fault tests shorten it to retry at once.
    /// </summary>
    public static readonly Duration ClaimTimeout = Duration.FromMinutes(2);

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app)
    {
        var configured = app.ApplicationServices.GetRequiredService<IConfiguration>().GetValue<TimeSpan?>("Ledger:IdempotencyClaimTimeout");
        var claimTimeout = configured is { } span ? Duration.FromTimeSpan(span) : ClaimTimeout;
        return app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Headers[Header].FirstOrDefault() is not { } key)
            {
                await next(http);
                return;
            }
            if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
            {
                await Problems.Invalid(Header, $"must be 1 to {MaxKeyLength} printable characters.").ExecuteAsync(http);
                return;
            }

            http.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBodyBytes);
            string bodyHash;
            try
            {
                bodyHash = Convert.ToHexStringLower(await SHA256.HashDataAsync(http.Request.Body, http.RequestAborted));
            }
            catch (IOException)
            {
                await Problems.TooLarge($"A request sent with {Header} is at most {MaxBodyBytes / 1024 / 1024} MB.").ExecuteAsync(http);
                return;
            }
            http.Request.Body.Position = 0;

            var store = http.RequestServices.GetRequiredService<IDocumentStore>();
            var clock = http.RequestServices.GetRequiredService<IClock>();
            var id = $"{http.User.Identity?.Name ?? "anonymous"}\n{key}";
            var target = http.Request.Path + http.Request.QueryString;

            // Claiming the key is the lookup too: an insert that finds it taken replays what is stored under it.
            var claimed = new IdempotentRequest(id, http.Request.Method, target, bodyHash, 0, null, null, null, null, clock.GetCurrentInstant());
            if (!await ClaimAsync(store, claimed, clock.GetCurrentInstant() - claimTimeout, http.RequestAborted))
            {
                await using var again = store.QuerySession();
                await ReplayAsync(http, (await again.LoadAsync<IdempotentRequest>(id, http.RequestAborted))!, target, bodyHash);
                return;
            }
            // Saved by the write's own SaveChanges, in its transaction: present exactly when the write committed.
            Recording.Enlist(http, session => session.Store(claimed with { Status = Committed }));

            var original = http.Response.Body;
            using var captured = new MemoryStream();
            http.Response.Body = captured;
            try
            {
                await next(http);
            }
            finally
            {
                http.Response.Body = original;
            }

            await using (var record = store.LightweightSession())
            {
                if (http.Response.StatusCode >= 500)
                    record.Delete<IdempotentRequest>(id);
                else
                    record.Store(new IdempotentRequest(id, http.Request.Method, target, bodyHash, http.Response.StatusCode, http.Response.ContentType,
                        http.Response.Headers.Location.FirstOrDefault(), http.Response.Headers.ETag.FirstOrDefault(), captured.ToArray(), clock.GetCurrentInstant()));
                await record.SaveChangesAsync(CancellationToken.None);
            }
            captured.Position = 0;
            await captured.CopyToAsync(original, http.RequestAborted);
        });
    }

    /// <summary>Inserts the claim; or takes over one abandoned by a crash before its write committed. False when the key is taken.</summary>
    private static async Task<bool> ClaimAsync(IDocumentStore store, IdempotentRequest claim, Instant abandonedBefore, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Insert(claim);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
        }
        await using var takeOver = await LedgerStore.OpenConnectionAsync(store, ct);
        var table = ((DocumentStore)store).Options.For(typeof(IdempotentRequest));
        // One statement, so two retries racing for an abandoned claim cannot both win it.
        await using var command = new Npgsql.NpgsqlCommand(
            $$"""
             update {{table}} set data = jsonb_set(data, '{at}', to_jsonb($2::text)) where id = $1
               and (data ->> 'status')::int = 0 and (data ->> 'at')::timestamptz < $3
             """, takeOver);
        command.Parameters.Add(new() { Value = claim.Id });
        command.Parameters.Add(new() { Value = NodaTime.Text.InstantPattern.ExtendedIso.Format(claim.At) });
        command.Parameters.Add(new() { Value = abandonedBefore.ToDateTimeOffset() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task ReplayAsync(HttpContext http, IdempotentRequest earlier, string target, string bodyHash)
    {
        if (earlier.BodyHash != bodyHash || earlier.Path != target)
        {
            await TypedResults.Problem(
                $"This {Header} was first used for another request ({earlier.Method} {earlier.Path}); use a new key for a new request.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                extensions: new Dictionary<string, object?> { ["field"] = Header }).ExecuteAsync(http);
            return;
        }
        if (earlier.Status == Committed)
        {
            // The write committed and the host stopped before it stored the answer: say so, and never write twice.
            http.Response.Headers["Idempotent-Replayed"] = "true";
            await TypedResults.Ok(new { committed = true, detail = "The first request with this key was recorded; its answer was lost with the server. Read the resource for its state." })
                .ExecuteAsync(http);
            return;
        }
        if (earlier.Status == 0)
        {
            await TypedResults.Problem("The first request with this key is still being answered; retry in a moment.",
                statusCode: StatusCodes.Status409Conflict, title: "Request in progress",
                extensions: new Dictionary<string, object?> { ["rule"] = "idempotency-in-progress" }).ExecuteAsync(http);
            return;
        }
        http.Response.StatusCode = earlier.Status;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (earlier.ContentType is { } type) http.Response.ContentType = type;
        if (earlier.Location is { } location) http.Response.Headers.Location = location;
        if (earlier.ETag is { } etag) http.Response.Headers.ETag = etag;
        if (earlier.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
