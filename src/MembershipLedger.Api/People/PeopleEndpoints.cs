using Marten;
using MembershipLedger.Api.Access;
using MembershipLedger.Api.Http;
using MembershipLedger.Interchange;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using Npgsql;

namespace MembershipLedger.Api.People;

/// <summary>The body of <c>POST /people/{username}/rename</c>.</summary>
public sealed record RenameRequest(string NewName, string Reason);

/// <summary>The body of <c>POST /people/{username}/erasure</c>.</summary>
public sealed record ErasureBody(string Reason);

/// <summary>What a rename recorded.</summary>
public sealed record RenameResponse(string FormerName, string NewName, IReadOnlyList<string> GroupIds);

/// <summary>Operations on a person across groups: a Wikimedia rename, and erasure of their personal data. Admin only.</summary>
public static class PeopleEndpoints
{
    public static void MapPeopleEndpoints(this IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/people/{username}").WithTags("People");
        people.MapPost("/rename", Rename).Accepts<RenameRequest>("application/json").Produces<RenameResponse>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Record a Wikimedia rename: the person's history continues under the new name (admin)");
        people.MapPost("/erasure", Erase).Accepts<ErasureBody>("application/json").Produces<ErasureReport>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Erase the person's personal data on request; rosters keep them under a pseudonym (admin)");
    }

    private static async Task<IResult> Rename(string username, HttpContext http, IDocumentSession session, NpgsqlDataSource db)
    {
        if (Permissions.RefuseUnlessAdmin(http) is { } notAdmin) return notAdmin;
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var raw = body.String("newName", required: true, maxLength: 120);
        var newName = raw is null ? null : Usernames.Normalize(raw);
        if (newName is not null && Usernames.Invalid(newName, false) is { } why) body.Error("newName", why);
        var reason = body.String("reason", required: true, maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var former = Usernames.Normalize(username);
        var ct = http.RequestAborted;
        var (streamName, renamed) = await Accounts.StreamNameAsync(session, former, ct);
        if (renamed is not null) return Problems.From(renamed);

        var affiliations = new List<Affiliation>();
        var streams = new List<JasperFx.Events.IEventStream<Affiliation>>();
        foreach (var key in await Accounts.AffiliationStreamsAsync(db, streamName!, ct))
        {
            var stream = await session.Events.FetchForWriting<Affiliation>(key, ct);
            if (stream.Aggregate is not { } affiliation) continue;
            affiliations.Add(affiliation);
            streams.Add(stream);
        }
        var inUse = await session.LoadAsync<AccountName>(newName!, ct) is not null || (await Accounts.AffiliationStreamsAsync(db, newName!, ct)).Count > 0;
        var decision = RenamingAccount.Decide(new RenameAccount(former, newName!), affiliations, inUse);
        if (decision.Problem is { } rule) return Problems.From(rule);

        Recording.Stamp(session, http, reason);
        for (var i = 0; i < streams.Count; i++) streams[i].AppendOne(decision.Events[i]);
        session.Store(new AccountName(newName!, streamName!, null), new AccountName(former, streamName!, newName));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return Problems.ConcurrentWrite();
        }
        return TypedResults.Ok(new RenameResponse(former, newName!, affiliations.Select(a => a.GroupId).Order(StringComparer.Ordinal).ToList()));
    }

    private static async Task<IResult> Erase(string username, HttpContext http, IDocumentStore store, ILogger<ErasureRequest> log)
    {
        if (Permissions.RefuseUnlessAdmin(http) is { } notAdmin) return notAdmin;
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var reason = body.String("reason", required: true, maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var name = Usernames.Normalize(username);
        if (Usernames.Invalid(name, true) is { } why) return Problems.Invalid("username", why);
        var report = await Erasure.EraseAsync(store,
            new ErasureRequest(name, reason!, http.User.Identity!.Name!, "http", Recording.CorrelationOf(http)), http.RequestAborted,
            // Operators see an erasure's rebuild go by: appends wait for it.
            new Progress<ImportProgress>(p => log.LogInformation("Erasure: {Phase}: {Done} of {Of}", p.Phase, p.Done, p.Of)));
        return report is null
            ? Problems.From(LedgerProblem.NotFound("username", $"No event of the ledger names {name}."))
            : TypedResults.Ok(report);
    }
}
