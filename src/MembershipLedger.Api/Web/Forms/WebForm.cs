using MembershipLedger.Storage;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>How a form field's text becomes the API request's JSON value (<see cref="FormBody"/>).</summary>
public enum FieldKind
{
    /// <summary>A line of text, sent as typed.</summary>
    Text,
    /// <summary>Several lines of text, sent as typed.</summary>
    LongText,
    /// <summary>A date and time in the group's zone ("2022-12-09 20:24"), sent as an instant with the zone's offset.</summary>
    Moment,
    /// <summary>A date (the start of that day in the group's zone) or a date and time, as <see cref="Moment"/>.</summary>
    Effective,
    /// <summary>A calendar date, 2022-12-09.</summary>
    Date,
    /// <summary>A date as precise as known: 2019, 2019-09 or 2019-09-14.</summary>
    PartialDate,
    /// <summary>An amount or a rate, sent as an exact JSON number.</summary>
    Decimal,
    Integer,
    /// <summary>One of <see cref="FormField.Choices"/>.</summary>
    Choice,
    /// <summary>A checkbox: true or false.</summary>
    Check,
    /// <summary>Values separated by commas or lines, sent as an array of text.</summary>
    List,
    /// <summary>Contact channels, a line each: "kind: value".</summary>
    Channels,
    /// <summary>Budget lines, a line each: "id | category | amount".</summary>
    BudgetLines,
    /// <summary>Moves between budget lines, a line each: "from | to | amount".</summary>
    Moves,
    /// <summary>Languages, a line each: "code: level", e.g. "tg: native".</summary>
    Languages,
}

/// <summary>A choice as the API names it and as a person reads it.</summary>
public sealed record Choice(string Value, string Label)
{
    public static IReadOnlyList<Choice> Of<TEnum>() where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => new Choice(Json.Kind(v), Show.Kind(v)))];
}

/// <summary>
/// A field of a form: its name is the API request's field (so the API's problem names it and the page shows the
/// message beside it), or a value of the route when <see cref="InRoute"/>.
/// </summary>
public sealed record FormField(string Name, string Label, FieldKind Kind = FieldKind.Text, string? Hint = null)
{
    public bool Required { get; init; }
    public bool InRoute { get; init; }
    /// <summary>Shown and sent, but set by the link that opened the form (which member, which expense).</summary>
    public bool Fixed { get; init; }
    public IReadOnlyList<Choice> Choices { get; init; } = [];
    /// <summary>Choices that depend on the subject (the grant's budget lines).</summary>
    public Func<FormSubject, IReadOnlyList<Choice>>? ChoicesOf { get; init; }
}

/// <summary>What a form is about, which says where its values come from and who may send it.</summary>
public enum SubjectKind { Ledger, Group, Member, Role, Activity, Grant, Expense, Person }

/// <summary>
/// A form of the web pages: the API write it sends (<see cref="Method"/> <see cref="Route"/>, whose <c>{values}</c>
/// come from the subject or from the fields marked <see cref="FormField.InRoute"/>), the fields a person fills in, and
/// what it is about. It has no rule of its own: the API's rules decide, and its refusals come back beside the fields.
/// </summary>
public sealed record WebForm(string Name, string Title, SubjectKind Subject, string Method, string Route, string Submit, IReadOnlyList<FormField> Fields)
{
    /// <summary>A sentence under the title: what the form records and what it does not.</summary>
    public string? Explain { get; init; }

    /// <summary>Sent with <c>If-Match</c>: the version of the record the person saw, so a change made meanwhile is not overwritten.</summary>
    public bool Versioned { get; init; }

    /// <summary>Operations on the whole ledger (registering a group, renaming an account): admins only.</summary>
    public bool AdminOnly { get; init; }

    /// <summary>The values the form opens with, from the record it changes.</summary>
    public Func<FormSubject, IReadOnlyDictionary<string, string>>? Prefill { get; init; }

    public string Link(IReadOnlyDictionary<string, string?> values) =>
        $"/web/record/{Name}" + QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value))).Value;
}
