using System.Collections.Immutable;
using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Tests.Memberships;

/// <summary>Affiliation states named for what they are, built by folding events as the store does.</summary>
public static class Given
{
    public const string Group = "tajik-wikimedians";
    public const string Username = "Mardetanha";
    public static readonly Instant Now = Instant.FromUtc(2024, 6, 1, 12, 0);
    public static readonly Instant SignedAt = Instant.FromUtc(2022, 12, 8, 20, 24);
    public static readonly Guid SignUpId = Guid.Parse("6d3c1f8e-0000-4000-8000-000000000001");

    public static Affiliation? Nothing => null;

    public static Affiliation Events(params object[] events)
    {
        var state = new Affiliation(Affiliation.StreamKey(Group, Username), Group, Username, MemberKind.Individual, null,
            ImmutableDictionary<Guid, HeldRole>.Empty);
        foreach (var e in events)
            state = e switch
            {
                MemberSignedUp s => state.Apply(s),
                MemberWithdrew w => state.Apply(w),
                MemberRemoved r => state.Apply(r),
                SignUpRetracted r => state.Apply(r),
                SignatureTimeCorrected c => state.Apply(c),
                RoleDesignated d => state.Apply(d),
                RoleEnded r => state.Apply(r),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        return state;
    }

    public static MemberSignedUp SignedUp(Instant? at = null) => new(Group, Username, MemberKind.Individual, SignUpId, at ?? SignedAt);

    public static Affiliation Member() => Events(SignedUp());

    public static Affiliation UndatedMember() => Events(SignedUp() with { SignedAt = null });

    public static Affiliation FormerMember() => Events(SignedUp(), new MemberWithdrew(Group, Username, SignUpId, SignedAt + Duration.FromDays(30)));
}
