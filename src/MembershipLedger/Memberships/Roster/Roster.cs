using NodaTime;

namespace MembershipLedger.Memberships.Roster;

/// <summary>A role in effect at the roster's moment.</summary>
/// <param name="Since">When the role took effect, or null when that is not known.</param>
public sealed record RosterRole(Guid AssignmentId, string Username, RoleKind Role, string? Title, Instant? Since);

/// <summary>A member on the roster.</summary>
/// <param name="JoinedAt">The signature instant; null for undated members.</param>
public sealed record RosterMember(string Username, MemberKind Kind, Instant? JoinedAt, IReadOnlyList<RosterRole> Roles);

/// <summary>
/// Who belonged to a group at <paramref name="At"/>, as the ledger knew it at <paramref name="KnownAt"/> (null: as it knows now).
/// <paramref name="Members"/> have a known sign-up time on or before the moment; <paramref name="Undated"/> signed
/// without a time and had not left by then: they are listed apart, never placed in time.
/// <paramref name="Roles"/> lists every role in effect, including those held by people who never signed the list.
/// </summary>
public sealed record Roster(
    string GroupId, Instant At, Instant? KnownAt,
    IReadOnlyList<RosterMember> Members, IReadOnlyList<RosterMember> Undated, IReadOnlyList<RosterRole> Roles);
