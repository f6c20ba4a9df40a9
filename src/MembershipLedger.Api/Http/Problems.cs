namespace MembershipLedger.Api.Http;

/// <summary>Maps refusals to RFC 7807 problem details that name the field or the rule.</summary>
public static class Problems
{
    public static IResult From(LedgerProblem problem) => problem.Kind switch
    {
        ProblemKind.InvalidField => Invalid(problem.Name, problem.Detail),
        ProblemKind.NotFound => TypedResults.Problem(problem.Detail, statusCode: StatusCodes.Status404NotFound, title: "Not found",
            extensions: new Dictionary<string, object?> { ["field"] = problem.Name }),
        _ => TypedResults.Problem(problem.Detail, statusCode: StatusCodes.Status409Conflict, title: "The ledger's rules refuse this",
            extensions: new Dictionary<string, object?> { ["rule"] = problem.Name }),
    };

    public static IResult Invalid(string field, string detail) => Invalid(new Dictionary<string, string[]> { [field] = [detail] });

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Some fields are invalid",
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

    public static IResult UnknownGroup(string groupId) =>
        From(LedgerProblem.NotFound("groupId", $"No group '{groupId}' is registered."));

    public static IResult ConcurrentWrite() =>
        TypedResults.Problem("Another write to the same record landed first; read it again and retry.",
            statusCode: StatusCodes.Status409Conflict, title: "Concurrent write",
            extensions: new Dictionary<string, object?> { ["rule"] = "concurrent-write" });

    public static IResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
            extensions: new Dictionary<string, object?> { ["field"] = "body" });

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Who are you?",
            extensions: new Dictionary<string, object?> { ["rule"] = "api-key" });

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not yours to do",
            extensions: new Dictionary<string, object?> { ["rule"] = "access" });
}
