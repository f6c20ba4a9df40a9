using MembershipLedger.Api.Groups;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;
using Npgsql;

namespace MembershipLedger.Api.Memberships.Roles;

/// <summary>The body of <c>POST /groups/{groupId}/roles/{assignmentId}/end</c>; an empty body ends it now.</summary>
public sealed record EndRoleRequest(Effective? EffectiveAt, [MaxLength(500)] string? Reason) : ILedgerRequest, IHasReason;

public static class EndRoleEndpoint
{
    /// <summary>The assignment as first recorded names the holder, and so the stream to write to.</summary>
    public static async Task<(GroupProfile?, RoleChange?, StreamTarget<Affiliation>?, IResult)> LoadAsync(
        string groupId, string assignmentId, IDocumentSession session, NpgsqlDataSource db, CancellationToken ct)
    {
        if (await GroupProfiles.LoadAsync(session, groupId, ct) is not { } group) return (null, null, null, Problems.UnknownGroup(groupId));
        if (!Guid.TryParse(assignmentId, out var id) || await FindAssignmentAsync(db, group.Id, id, ct) is not { } assignment)
            return (group, null, null, Problems.From(LedgerProblem.NotFound("assignmentId", $"No role assignment {assignmentId} is recorded in {group.Id}.")));
        var (_, target, problem) = await AffiliationStreams.OfAsync(session, group.Id, assignment.Username, ct);
        return (group, assignment, target, problem);
    }

    [WolverinePost("/groups/{groupId}/roles/{assignmentId}/end"), Tags("Roles"), EndpointSummary("End a role designation")]
    [ProducesResponseType<RoleChange>(StatusCodes.Status200OK)]
    public static IResult Post(EndRoleRequest request, GroupProfile group, RoleChange assignment, IEventStream<Affiliation> stream, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var effectiveAt = request.EffectiveAt?.In(group.Profile.TimeZone) ?? now;
        return Outcome.Append(stream, EndingRole.Decide(new EndRole(group.Id, assignment.Username, assignment.AssignmentId, effectiveAt), stream.Aggregate, now),
            http => Task.FromResult<IResult>(TypedResults.Ok(assignment with { EndedAt = effectiveAt, Version = stream.CurrentVersion ?? 1 })));
    }

    private static async Task<RoleChange?> FindAssignmentAsync(NpgsqlDataSource db, string groupId, Guid assignmentId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select username, role, title, effective_from from {LedgerSchema.RoleIntervals} where group_id = $1 and assignment_id = $2 order by id limit 1");
        command.Parameters.Add(new NpgsqlParameter { Value = groupId });
        command.Parameters.Add(new NpgsqlParameter { Value = assignmentId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        // Columns by name: a reordered select cannot silently shift them.
        T? Column<T>(string name) => reader.IsDBNull(reader.GetOrdinal(name)) ? default : reader.GetFieldValue<T>(reader.GetOrdinal(name));
        return new RoleChange(groupId, Column<string>("username")!, assignmentId, WireNames<RoleKind>.Parse(Column<string>("role")!), Column<string>("title"),
            Column<DateTimeOffset?>("effective_from") is { } from ? Instant.FromDateTimeOffset(from) : null, null, 0);
    }
}
