namespace MembershipLedger.Api.Http;

/// <summary>
/// Optimistic concurrency over HTTP: a stream's version is its entity tag. A write sent with <c>If-Match: "5"</c> lands
/// only if the stream is still at version 5; otherwise 412 and nothing is appended. Without the header a write is
/// checked against the version it read, as before (a lost race is 409).
/// </summary>
public static class Versions
{
    public sealed record Precondition(long? Version, IResult? Problem);

    public static Precondition Expected(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return new Precondition(null, null);
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        tag = tag.Trim('"');
        return long.TryParse(tag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version >= 0
            ? new Precondition(version, null)
            : new Precondition(null, Problems.Invalid("If-Match", "Give the version the write expects, as an entity tag such as \"3\"."));
    }

    /// <summary>
    /// A write that has no single version to check (an import, a rename across streams, a rebuild): a malformed
    /// <c>If-Match</c> is refused as everywhere, and a well-formed one cannot be met (412), so no caller believes it was.
    /// </summary>
    public static IResult RefuseWithoutVersion(HttpContext http)
    {
        var (expected, badHeader) = Expected(http.Request);
        if (badHeader is not null) return badHeader;
        return expected is { } version
            ? TypedResults.Problem($"This write changes no single versioned record, so it cannot be made at version {version}; send it without If-Match.",
                statusCode: StatusCodes.Status412PreconditionFailed, title: "No version to match",
                extensions: new Dictionary<string, object?> { ["rule"] = "if-match", ["expected"] = version })
            : Wolverine.Http.WolverineContinue.Result();
    }

    public static IResult Stale(long expected, long? actual) =>
        TypedResults.Problem(
            actual is { } now
                ? $"The record is at version {now}, not {expected}: someone else wrote to it since you read it. Read it again and retry."
                : $"The record moved past version {expected} while this write was being made. Read it again and retry.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "The record changed",
            extensions: new Dictionary<string, object?> { ["rule"] = "if-match", ["expected"] = expected, ["actual"] = actual });

    public static void Tag(HttpResponse response, long version) => response.Headers.ETag = $"\"{version}\"";
}
