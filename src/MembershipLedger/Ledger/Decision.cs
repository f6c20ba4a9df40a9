namespace MembershipLedger.Ledger;

/// <summary>
/// What a command decides: the events to append, or the rule or field that refused it.
/// Decisions are pure: they never touch the store or the clock, so a refused command appends nothing.
/// </summary>
public sealed record Decision
{
    private Decision(IReadOnlyList<object> events, LedgerProblem? problem) => (Events, Problem) = (events, problem);

    /// <summary>The events to append, in order; empty when refused.</summary>
    public IReadOnlyList<object> Events { get; }

    /// <summary>Why the command was refused, or null when it was accepted.</summary>
    public LedgerProblem? Problem { get; }

    public bool IsAccepted => Problem is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Refuse(LedgerProblem problem) => new([], problem);

    public static implicit operator Decision(LedgerProblem problem) => Refuse(problem);
}

/// <summary>The kind of refusal, which the HTTP layer maps to a status code.</summary>
public enum ProblemKind
{
    /// <summary>A field is missing or malformed (400).</summary>
    InvalidField,
    /// <summary>The thing named does not exist (404).</summary>
    NotFound,
    /// <summary>The ledger's state forbids it, e.g. a duplicate sign-up (409).</summary>
    RuleViolated,
}

/// <summary>A refusal naming the field (for input errors) or the rule (for state conflicts).</summary>
/// <param name="Kind">How the caller should read the refusal.</param>
/// <param name="Name">The JSON field, query parameter or rule name, e.g. <c>signedAt</c> or <c>already-a-member</c>.</param>
/// <param name="Detail">A sentence a person can act on.</param>
public sealed record LedgerProblem(ProblemKind Kind, string Name, string Detail)
{
    public static LedgerProblem Field(string field, string detail) => new(ProblemKind.InvalidField, field, detail);
    public static LedgerProblem Rule(string rule, string detail) => new(ProblemKind.RuleViolated, rule, detail);
    public static LedgerProblem NotFound(string what, string detail) => new(ProblemKind.NotFound, what, detail);
}
