using MembershipLedger.Ledger;
using NodaTime;

namespace MembershipLedger.Memberships;

/// <summary>Designate a role to a person in a group. Roles do not require membership: founders often never sign the list.</summary>
public sealed record DesignateRole(string GroupId, string Username, RoleKind Role, string? Title, Instant? EffectiveFrom, Guid AssignmentId);

public static class DesignatingRole
{
    public const int MaxTitleLength = 100;

    public static Decision Decide(DesignateRole command, Affiliation? current, Instant now)
    {
        if (command.EffectiveFrom is { } from && Plausibility.Check("from", from, now) is { } implausible) return implausible;
        var title = string.IsNullOrWhiteSpace(command.Title) ? null : command.Title.Trim();
        if (command.Role == RoleKind.Officer && title is null)
            return LedgerProblem.Field("title", "An officer role needs a title, e.g. \"president\" or \"communication manager\".");
        if (title is { Length: > MaxTitleLength })
            return LedgerProblem.Field("title", $"must be at most {MaxTitleLength} characters.");
        if (current?.Roles.Values.Any(r => r.Role == command.Role && string.Equals(r.Title, title, StringComparison.OrdinalIgnoreCase)) == true)
            return LedgerProblem.Rule("role-already-held", $"{command.Username} already holds this role in {command.GroupId}.");
        return Decision.Accept(new RoleDesignated(command.GroupId, command.Username, command.AssignmentId, command.Role, title, command.EffectiveFrom));
    }
}
