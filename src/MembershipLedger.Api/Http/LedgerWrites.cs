using System.Reflection;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using JasperFx.Core.Reflection;
using MembershipLedger.Api.Access;
using Wolverine.Configuration;
using Wolverine.Http.CodeGen;

namespace MembershipLedger.Api.Http;

/// <summary>A request record bound from the JSON body by <see cref="RequestBody{T}"/> rather than by Wolverine's plain deserializer.</summary>
public interface ILedgerRequest;

/// <summary>
/// What every write endpoint gets from the framework, once, so a use case file holds only its request, its rules and its
/// decision (docs/architecture.md, "The write path"). Wolverine generates each endpoint's handler from these:
/// <list type="bullet">
/// <item>A parameter whose type is an <see cref="ILedgerRequest"/> is bound by <see cref="RequestBody{T}"/>: every bad
/// field named in one 400, or the endpoint never runs.</item>
/// <item>An <c>IEventStream&lt;T&gt;</c> parameter is the stream fetched for writing: by Wolverine's aggregate handler
/// workflow when it is marked <c>[WriteAggregate("routeValue")]</c>, or from the <see cref="StreamTarget{T}"/> the
/// endpoint's <c>LoadAsync</c> returns. <see cref="WriteChecks{T}.Before"/> then checks <c>If-Match</c> (412) and that
/// the key may write to the groups the stream belongs to (401/403).</item>
/// <item>The endpoint appends through <see cref="Outcome.Append{T}"/>; <see cref="WriteChecks{T}.AfterDecision"/> checks
/// the groups the new events name; Wolverine saves the session (events, documents and outgoing messages in one
/// transaction: the outbox) before the answer is written.</item>
/// <item>Every write is authorized (<see cref="Policies.Write"/>, or the policy its <c>[Authorize]</c> names), its session
/// stamped with who, through what and why (<see cref="Recording"/>); a write with no version to match refuses
/// <c>If-Match</c>.</item>
/// </list>
/// </summary>
public static class LedgerWrites
{
    public static void Apply(WolverineHttpOptions http)
    {
        // Each endpoint's handler is compiled on its first request (RouteWarmup.Lazy): the host answers reads 1.7 s after
        // it starts rather than 4.4 s, and a write endpoint's first call pays its compile once (docs/benchmarks.md).
        http.AddParameterHandlingStrategy(new RequestBodyStrategy());
        http.AddParameterHandlingStrategy(new EventStreamStrategy());
        http.AddParameterHandlingStrategy(new LoadedValueStrategy());
        http.AddPolicy<WriteChecksPolicy>();
    }

    private sealed class RequestBodyStrategy : IParameterStrategy
    {
        public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
        {
            variable = null;
            if (!parameter.ParameterType.CanBeCastTo<ILedgerRequest>()) return false;
            // The endpoint and its LoadAsync may both take the request: it is read once.
            if (chain.Middleware.OfType<ReadRequestBody>().FirstOrDefault(r => r.Request.VariableType == parameter.ParameterType) is { } already)
            {
                variable = already.Request;
                return true;
            }
            var read = new ReadRequestBody(parameter);
            chain.Middleware.Add(read);
            // The OpenAPI document describes the body by its record, as it did for the minimal-API endpoints.
            chain.Metadata.Accepts(parameter.ParameterType, "application/json");
            variable = read.Request;
            return true;
        }
    }

    /// <summary>
    /// An <c>IEventStream&lt;T&gt;</c> parameter without <c>[WriteAggregate]</c>: the stream named by the
    /// <see cref="StreamTarget{T}"/> the endpoint's <c>LoadAsync</c> returned (a key that takes a lookup, such as an
    /// affiliation found through a renamed account), fetched for writing as the aggregate workflow fetches its own.
    /// </summary>
    private sealed class EventStreamStrategy : IParameterStrategy
    {
        public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
        {
            variable = null;
            if (!parameter.ParameterType.Closes(typeof(IEventStream<>)) || parameter.GetCustomAttribute<WriteAggregateAttribute>() is not null) return false;
            var fetch = new MethodCall(typeof(StreamTarget<>).MakeGenericType(parameter.ParameterType.GetGenericArguments()[0]),
                nameof(StreamTarget<object>.FetchForWritingAsync));
            chain.Middleware.Add(fetch);
            variable = fetch.ReturnVariable;
            return true;
        }
    }

    /// <summary>
    /// A parameter whose value the endpoint's own <c>LoadAsync</c> returns (the group a route names, say) is that
    /// value, never the request body: left for the code generator to find among what the load created.
    /// </summary>
    private sealed class LoadedValueStrategy : IParameterStrategy
    {
        public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
        {
            variable = null;
            var loads = chain.Method.HandlerType.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name is "Load" or "LoadAsync");
            return parameter.Member.Name is not ("Load" or "LoadAsync") && loads.Any(m => Produced(m.ReturnType).Contains(parameter.ParameterType));
        }

        private static IEnumerable<Type> Produced(Type type)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() is var open && (open == typeof(Task<>) || open == typeof(ValueTask<>)))
                type = type.GetGenericArguments()[0];
            return type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true ? type.GetGenericArguments() : [type];
        }
    }

    private sealed class ReadRequestBody : AsyncFrame
    {
        private Variable? _http;

        public ReadRequestBody(ParameterInfo parameter) => Request = new Variable(parameter.ParameterType, parameter.Name!, this);

        public Variable Request { get; }

        public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
        {
            _http = chain.FindVariable(typeof(HttpContext));
            yield return _http;
        }

        public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
        {
            var type = Request.VariableType.FullNameInCode();
            writer.WriteComment("Binding the body to its request record: every bad field is named in one 400");
            writer.Write($"var ({Request.Usage}, {Request.Usage}_problem) = await {typeof(RequestBody<>).Namespace}.RequestBody<{type}>.ReadAsync({_http!.Usage}).ConfigureAwait(false);");
            writer.Write($"BLOCK:if (!({Request.Usage}_problem is {typeof(WolverineContinue).FullNameInCode()}))");
            writer.Write($"await {Request.Usage}_problem.ExecuteAsync({_http.Usage}).ConfigureAwait(false);");
            writer.Write("return;");
            writer.FinishBlock();
            Next?.GenerateCode(method, writer);
        }
    }

    private sealed class WriteChecksPolicy : IHttpPolicy
    {
        public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
        {
            foreach (var chain in chains)
            {
                var stream = chain.Method.Method.GetParameters().FirstOrDefault(p => p.ParameterType.Closes(typeof(IEventStream<>)));
                if (stream is not null)
                {
                    var type = stream.ParameterType.GetGenericArguments()[0];
                    var checks = typeof(WriteChecks<>).MakeGenericType(type);

                    // A stream named by the endpoint's LoadAsync is fetched after the load answered, and only if it let the request go on.
                    foreach (var fetch in chain.Middleware.OfType<MethodCall>().Where(m => m.HandlerType == typeof(StreamTarget<>).MakeGenericType(type)).ToList())
                    {
                        chain.Middleware.Remove(fetch);
                        chain.Middleware.Add(fetch);
                    }
                    var before = new MethodCall(checks, nameof(WriteChecks<object>.Before));
                    before.ReturnVariable!.OverrideName("refusedBeforeDeciding");
                    chain.Middleware.Add(before);
                    chain.Middleware.Add(new MaybeEndWithResultFrame(before.ReturnVariable));

                    // First among the postprocessors: after the returned events are appended to the stream, before they are saved.
                    var after = new MethodCall(checks, nameof(WriteChecks<object>.AfterDecision));
                    after.ReturnVariable!.OverrideName("refusedAfterDeciding");
                    chain.Postprocessors.Insert(0, after);
                    chain.Postprocessors.Insert(1, new MaybeEndWithResultFrame(after.ReturnVariable));
                }
                // Every write through a session is stamped; an erasure, say, writes through its own transaction and stamps its own.
                var writesThroughSession = stream is not null || chain.Method.Method.GetParameters().Any(p => p.ParameterType == typeof(IDocumentSession));
                var isWrite = chain.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE");
                if (isWrite && stream is null)
                {
                    var unversioned = new MethodCall(typeof(Versions), nameof(Versions.RefuseWithoutVersion));
                    unversioned.ReturnVariable!.OverrideName("refusedIfMatch");
                    chain.Middleware.Insert(0, unversioned);
                    chain.Middleware.Insert(1, new MaybeEndWithResultFrame(unversioned.ReturnVariable));
                }
                // Every write needs a key that may write (to the route's group, when it names one); some need an admin's.
                if (isWrite && chain.Method.Method.GetCustomAttribute<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>() is null)
                    chain.Metadata.RequireAuthorization(Policies.Write);
                if (writesThroughSession && isWrite)
                    chain.Middleware.Add(new MethodCall(typeof(Recording),
                        typeof(Recording).GetMethod(nameof(Recording.Stamp), [typeof(IDocumentSession), typeof(HttpContext)])!));
            }
        }
    }
}

/// <summary>The stream a use case writes to, when finding its key takes a lookup: what the endpoint's <c>LoadAsync</c> returns.</summary>
/// <param name="Fetched">The stream, when the endpoint's load already fetched it for writing (in a batch with its other reads).</param>
public sealed record StreamTarget<T>(string Key, IEventStream<T>? Fetched = null) where T : class
{
    public static Task<IEventStream<T>> FetchForWritingAsync(IDocumentSession session, StreamTarget<T> target, CancellationToken ct) =>
        target.Fetched is { } fetched ? Task.FromResult(fetched) : session.Events.FetchForWriting<T>(target.Key, ct);
}

/// <summary>The checks around every write to a stream of <typeparamref name="T"/>; see <see cref="LedgerWrites"/>.</summary>
public static class WriteChecks<T> where T : class
{
    /// <summary>After the stream is loaded and before the endpoint decides: the version the caller expects, and who may write.</summary>
    public static IResult Before(HttpContext http, IEventStream<T> stream)
    {
        var (expected, badHeader) = Versions.Expected(http.Request);
        if (badHeader is not null) return badHeader;
        // The key is checked against the groups the stream belongs to now, and after the decision against those it will belong to.
        var owners = stream.Aggregate is IBelongsToGroups owned ? owned.OwningGroups : [];
        if (Permissions.RefuseWrite(http.User, owners) is { } refused) return refused;
        if (expected is { } version && version != (stream.CurrentVersion ?? 0)) return Versions.Stale(version, stream.CurrentVersion ?? 0);
        // A stale If-Match found at commit (a write landed in between) is answered 412 by Faults.
        return WolverineContinue.Result();
    }

    /// <summary>After the endpoint decided: events that give the stream to other groups need the key to write to those too.</summary>
    public static IResult AfterDecision(HttpContext http, IEventStream<T> stream)
    {
        foreach (var moved in stream.Events.Select(e => e.Data).OfType<IBelongsToGroups>())
            if (Permissions.RefuseWrite(http.User, moved.OwningGroups) is { } notTheirs) return notTheirs;
        if (stream.Events.Count > 0) Versions.Tag(http.Response, stream.CurrentVersion ?? stream.Events.Count);
        return WolverineContinue.Result();
    }
}

/// <summary>What a write endpoint answers: a decision's problem, or its events appended and the answer to give once they commit.</summary>
public static class Outcome
{
    /// <summary>
    /// A refused decision answers with its problem and appends nothing; an accepted one appends its events to
    /// <paramref name="stream"/> (saved by Wolverine in the request's transaction) and answers with <paramref name="answer"/>,
    /// built after the commit, so it reads the state the write left.
    /// </summary>
    public static IResult Append<T>(IEventStream<T> stream, Decision decision, Func<HttpContext, Task<IResult>> answer) where T : class
    {
        if (decision.Problem is { } refused) return Problems.From(refused);
        stream.AppendMany(decision.Events);
        return new AfterCommit(answer);
    }

    /// <summary>A stream's state as the write left it (read after the commit), its version the answer's entity tag.</summary>
    public static async Task<T> LoadWrittenAsync<T>(IQuerySession session, string id, Func<T, long> version, HttpContext http) where T : notnull
    {
        var state = (await session.LoadAsync<T>(id, http.RequestAborted))!;
        Versions.Tag(http.Response, version(state));
        return state;
    }

    private sealed class AfterCommit(Func<HttpContext, Task<IResult>> answer) : IResult
    {
        public async Task ExecuteAsync(HttpContext http) => await (await answer(http)).ExecuteAsync(http);
    }
}
