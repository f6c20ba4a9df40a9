using Microsoft.AspNetCore.Authorization;
using MembershipLedger.Api.Access;
using MembershipLedger.Memberships;
using MembershipLedger.People;
using Npgsql;

namespace MembershipLedger.Api.People.Renaming;

/// <summary>The body of <c>POST /people/{username}/rename</c>.</summary>
public sealed record RenameRequest([MaxLength(120)] string NewName, [MaxLength(500)] string Reason) : ILedgerRequest, IValidatedRequest, IHasReason
{
    public void Validate(FieldErrors errors)
    {
        if (NewName is not null && Usernames.Invalid(Usernames.Normalize(NewName), false) is { } why) errors.Add("newName", why);
    }
}

/// <summary>What a rename recorded.</summary>
public sealed record RenameResponse(string FormerName, string NewName, IReadOnlyList<string> GroupIds);

/// <summary>
/// A Wikimedia rename: every affiliation of the person gets an event, in one transaction, and the names are recorded so
/// the former one writes nothing more. The one write that spans streams, so it fetches them itself.
/// </summary>
public static class RenameAccountEndpoint
{
    [Authorize(Policy = Policies.Admin)]
    [WolverinePost("/people/{username}/rename"), Tags("People"),
     EndpointSummary("Record a Wikimedia rename: the person's history continues under the new name (admin)")]
    [ProducesResponseType<RenameResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(string username, RenameRequest request, IDocumentSession session, NpgsqlDataSource db, CancellationToken ct)
    {
        var former = Usernames.Normalize(username);
        var newName = Usernames.Normalize(request.NewName);
        var (streamName, renamed) = await Accounts.StreamNameAsync(session, former, ct);
        if (renamed is not null) return Problems.From(renamed);

        var streams = new List<IEventStream<Affiliation>>();
        foreach (var key in await Accounts.AffiliationStreamsAsync(db, streamName!, ct))
            if (await session.Events.FetchForWriting<Affiliation>(key, ct) is { Aggregate: not null } stream) streams.Add(stream);
        var affiliations = streams.Select(s => s.Aggregate!).ToList();
        var inUse = await session.LoadAsync<AccountName>(newName, ct) is not null || (await Accounts.AffiliationStreamsAsync(db, newName, ct)).Count > 0;
        var decision = RenamingAccount.Decide(new RenameAccount(former, newName), affiliations, inUse);
        if (decision.Problem is { } rule) return Problems.From(rule);

        // The names are recorded by AccountNameProjection, in this transaction.
        for (var i = 0; i < streams.Count; i++) streams[i].AppendOne(decision.Events[i]);
        return TypedResults.Ok(new RenameResponse(former, newName, affiliations.Select(a => a.GroupId).Order(StringComparer.Ordinal).ToList()));
    }
}
