using Marten;
using MembershipLedger.Api.Http;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using NodaTime;
using Npgsql;

namespace MembershipLedger.Api.Memberships;

/// <summary>The body of <c>POST /groups/{groupId}/roles</c>.</summary>
/// <param name="Role"><c>founding-member</c>, <c>designated-contact</c>, <c>key-person</c> or <c>officer</c>.</param>
/// <param name="Title">Required for officers: president, project leader, communication manager, …</param>
/// <param name="From">An instant, or a date meaning the start of that day in the group's zone; leave out when unknown.</param>
public sealed record RoleRequest(string Username, string Role, string? Title, string? From, string? Reason);

/// <summary>The body of <c>POST /groups/{groupId}/roles/{assignmentId}/end</c>.</summary>
public sealed record EndRoleRequest(string? EffectiveAt, string? Reason);

/// <summary>What a role write recorded.</summary>
public sealed record RoleChange(string GroupId, string Username, Guid AssignmentId, RoleKind Role, string? Title, Instant? From, Instant? EndedAt, long Version);

public static class RoleEndpoints
{
    public static void MapRoleEndpoints(this IEndpointRouteBuilder app)
    {
        var roles = app.MapGroup("/groups/{groupId}/roles").WithTags("Roles");
        roles.MapPost("/", Designate).Accepts<RoleRequest>("application/json")
            .Produces<RoleChange>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Designate a role (founding member, designated contact, key person, officer)");
        roles.MapPost("/{assignmentId}/end", End).Accepts<EndRoleRequest>("application/json")
            .Produces<RoleChange>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("End a role designation");
    }

    private static async Task<IResult> Designate(string groupId, HttpContext http, IDocumentSession session, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        var (body, problem) = await JsonBody.ReadAsync(http.Request);
        if (body is null) return problem!;
        var username = MembershipEndpoints.ReadUsername(body, MemberKind.Individual);
        var role = body.Enum<RoleKind>("role", required: true);
        var title = body.String("title", maxLength: DesignatingRole.MaxTitleLength);
        var from = body.Effective("from", group.Profile.TimeZone);
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var command = new DesignateRole(group.Id, username!, role!.Value, title, from, Guid.NewGuid());
        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, username!, reason,
            current => DesignatingRole.Decide(command, current, clock.GetCurrentInstant()));
        if (outcome.Problem is { } refused) return refused;
        var designated = (RoleDesignated)outcome.Events.Single();
        return TypedResults.Created($"/groups/{group.Id}/roles/{designated.AssignmentId}",
            new RoleChange(group.Id, designated.Username, designated.AssignmentId, designated.Role, designated.Title, from, null, outcome.Version));
    }

    private static async Task<IResult> End(string groupId, string assignmentId, HttpContext http, IDocumentSession session, NpgsqlDataSource db, IClock clock)
    {
        if (await AffiliationWrites.LoadGroupAsync(session, groupId, http.RequestAborted) is not { } group) return Problems.UnknownGroup(groupId);
        if (!Guid.TryParse(assignmentId, out var id) || await FindAssignmentAsync(db, group.Id, id, http.RequestAborted) is not { } assignment)
            return Problems.From(LedgerProblem.NotFound("assignmentId", $"No role assignment {assignmentId} is recorded in {group.Id}."));
        var (body, problem) = await JsonBody.ReadAsync(http.Request, allowEmpty: true);
        if (body is null) return problem!;
        var now = clock.GetCurrentInstant();
        var effectiveAt = body.Effective("effectiveAt", group.Profile.TimeZone) ?? now;
        var reason = body.String("reason", maxLength: 500);
        if (body.Problem() is { } invalid) return invalid;

        var outcome = await AffiliationWrites.WriteAsync(session, http, group.Id, assignment.Username, reason,
            current => EndingRole.Decide(new EndRole(group.Id, assignment.Username, id, effectiveAt), current, now));
        return outcome.Problem ?? TypedResults.Ok(assignment with { EndedAt = effectiveAt, Version = outcome.Version });
    }

    /// <summary>The assignment as first recorded: which holder's stream to write to.</summary>
    private static async Task<RoleChange?> FindAssignmentAsync(NpgsqlDataSource db, string groupId, Guid assignmentId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select username, role, title, effective_from from {LedgerSchema.RoleIntervals} where group_id = $1 and assignment_id = $2 order by id limit 1");
        command.Parameters.Add(new NpgsqlParameter { Value = groupId });
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new RoleChange(groupId, reader.GetString(0), assignmentId, WireNames<RoleKind>.Parse(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : Instant.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(3)), null, 0);
    }
}
