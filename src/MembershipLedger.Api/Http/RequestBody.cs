using System.Reflection;
using System.Text.Json;

namespace MembershipLedger.Api.Http;

/// <summary>A request body that carries the write's reason, stamped on its events as metadata.</summary>
public interface IHasReason
{
    string? Reason { get; }
}

/// <summary>
/// Checks a bound request for what its types cannot say (a slug, a range, one field given with another). Reports each
/// bad field to the errors it is given; a field the binder already refused is left as its default and not reported
/// twice, so one 400 names every bad field.
/// </summary>
public interface IValidatedRequest
{
    void Validate(FieldErrors errors);
}

/// <summary>The bad fields of one request, by JSON name; the first message for a field wins.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public void Add(string field, string message) => _errors.TryAdd(field, [message]);

    public IResult? Problem() => _errors.Count == 0 ? null : Problems.Invalid(_errors);

    internal IEnumerable<KeyValuePair<string, string[]>> All => _errors;

    internal void AddAll(IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors) _errors.TryAdd(field, messages);
    }
}

/// <summary>
/// Binds a JSON body to a request record: each constructor parameter is the camel-cased field of its name, read by the
/// rules every door applies (<see cref="JsonBody"/>: strict types, no unknown or repeated field, trimmed text without
/// control characters, exact decimals, NodaTime and <see cref="PartialDate"/> values). A parameter that is not nullable
/// is required; <see cref="MaxLengthAttribute"/> on a text parameter bounds it (200 characters otherwise). Every bad
/// field is named in one 400, then the record's own <see cref="IValidatedRequest.Validate"/> adds what types cannot say.
/// <para>
/// Wolverine calls <see cref="ReadAsync"/> ahead of every endpoint taking a request record (<see cref="LedgerWrites"/>):
/// the endpoint receives the record bound and valid, or never runs.
/// </para>
/// </summary>
public static class RequestBody<T> where T : class
{
    private static readonly Binding<T> Binder = new();

    /// <summary>The bound request, or the problem to answer with (and <see cref="WolverineContinue"/> when there is none).</summary>
    public static async Task<(T?, IResult)> ReadAsync(HttpContext http)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: Binder.AllOptional);
        if (body is null) return (null, problem!);
        var (request, errors) = Binder.Bind(body);
        if (request is IValidatedRequest validated) validated.Validate(errors);
        if (errors.Problem() is { } invalid) return (null, invalid);
        if (request is IHasReason { Reason: { } reason }) Recording.GiveReason(http, reason);
        return (request, WolverineContinue.Result());
    }
}

public static class RequestBody
{
    /// <summary>The JSON names of the fields a request record requires (its parameters that are not nullable).</summary>
    public static IEnumerable<string> RequiredFields(Type requestType)
    {
        var nullability = new NullabilityInfoContext();
        return ConstructorOf(requestType).GetParameters().Where(p => IsRequired(p, nullability)).Select(FieldName);
    }

    /// <summary>The constructor a record's body binds to: its primary one, the one with the most parameters.</summary>
    internal static ConstructorInfo ConstructorOf(Type requestType) =>
        requestType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

    internal static string FieldName(ParameterInfo parameter) => JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);

    internal static bool IsRequired(ParameterInfo parameter, NullabilityInfoContext nullability) =>
        nullability.Create(parameter).WriteState == NullabilityState.NotNull && Nullable.GetUnderlyingType(parameter.ParameterType) is null;
}

/// <summary>How one request type is read: its constructor's parameters, in order, each with its reader.</summary>
internal sealed class Binding<T>
{
    private readonly ConstructorInfo _constructor;
    private readonly (string Name, bool Required, Func<JsonBody, object?> Read)[] _fields;

    public Binding()
    {
        _constructor = RequestBody.ConstructorOf(typeof(T));
        var nullability = new NullabilityInfoContext();
        _fields = _constructor.GetParameters().Select(p =>
        {
            var name = RequestBody.FieldName(p);
            var required = RequestBody.IsRequired(p, nullability);
            // On text, the most characters; on an array, the most items.
            var maxLength = p.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? (p.ParameterType.IsArray ? 20 : 200);
            var range = p.GetCustomAttribute<RangeAttribute>();
            return (name, required, ReaderFor(p.ParameterType, name, required, maxLength,
                range is null ? (0, int.MaxValue) : (Convert.ToInt32(range.Minimum), Convert.ToInt32(range.Maximum))));
        }).ToArray();
        AllOptional = _fields.All(f => !f.Required);
    }

    /// <summary>No field is required: an empty body means "all defaults" (a withdrawal effective now, say).</summary>
    public bool AllOptional { get; }

    public (T? Request, FieldErrors Errors) Bind(JsonBody body)
    {
        var values = _fields.Select(f => f.Read(body)).ToArray();
        body.RefuseUnknownFields();
        var errors = new FieldErrors();
        errors.AddAll(body.Errors);
        // Fields refused above are left at their defaults, so Validate still runs and reports the other fields.
        var arguments = values.Zip(_constructor.GetParameters(), (v, p) => v ?? DefaultOf(p.ParameterType)).ToArray();
        return ((T)_constructor.Invoke(arguments), errors);
    }

    private static object? DefaultOf(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;

    private static Func<JsonBody, object?> ReaderFor(Type type, string name, bool required, int maxLength, (int Min, int Max) range)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        if (bare == typeof(string)) return b => b.String(name, required, maxLength);
        if (bare == typeof(decimal)) return b => b.Decimal(name, required);
        if (bare == typeof(Instant)) return b => b.Instant(name, required);
        if (bare == typeof(LocalDate)) return b => b.Date(name, required);
        if (bare == typeof(PartialDate)) return b => b.PartialDate(name, required);
        if (bare == typeof(DateTimeZone)) return b => b.TimeZone(name, required);
        // Any zone will do to check the syntax: a date or an instant parses in every zone.
        if (bare == typeof(Effective)) return b => b.Effective(name, DateTimeZone.Utc, required) is null ? null : new Effective(b.Text(name)!);
        if (bare == typeof(bool)) return b => b.Bool(name);
        if (bare == typeof(int)) return b => b.Int(name, required, range.Min, range.Max);
        if (bare.IsEnum)
            return (Func<JsonBody, object?>)typeof(Binding<T>).GetMethod(nameof(EnumReader), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(bare).Invoke(null, [name, required])!;
        if (bare == typeof(string[]))
            return b => b.StringArray(name, required, maxItems: maxLength)?.ToArray();
        if (bare.IsArray && bare.GetElementType()!.IsClass)
            return (Func<JsonBody, object?>)typeof(Binding<T>).GetMethod(nameof(ObjectArrayReader), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(bare.GetElementType()!).Invoke(null, [name, required, maxLength])!;
        throw new NotSupportedException($"{typeof(T).Name}.{name}: no reader for {type.Name}; add one here rather than reading it by hand.");
    }

    private static Func<JsonBody, object?> EnumReader<TEnum>(string name, bool required) where TEnum : struct, Enum =>
        b => b.Enum<TEnum>(name, required);

    /// <summary>An array of records, each bound by the same rules, its errors named <c>name[i].field</c>.</summary>
    private static Func<JsonBody, object?> ObjectArrayReader<TItem>(string name, bool required, int maxItems) where TItem : class
    {
        var items = new Binding<TItem>();
        return b =>
        {
            var read = b.ObjectArray(name, (element, path) =>
            {
                var item = b.Item(element, path);
                var (bound, _) = items.Bind(item);
                if (bound is IValidatedRequest validated)
                {
                    var errors = new FieldErrors();
                    validated.Validate(errors);
                    foreach (var (field, messages) in errors.All) item.Error(field, messages[0]);
                }
                return item.IsValid ? bound : null;
            }, maxItems);
            if (read is null && required && !b.Has(name)) b.Error(name, "is required.");
            return read?.ToArray();
        };
    }
}
