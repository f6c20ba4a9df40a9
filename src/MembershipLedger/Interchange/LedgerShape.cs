using MembershipLedger.Activities;
using MembershipLedger.Grants;
using MembershipLedger.Groups;
using MembershipLedger.Ledger;
using MembershipLedger.Memberships;
using MembershipLedger.People;

namespace MembershipLedger.Interchange;

/// <summary>
/// What an imported line must satisfy that the API's endpoints guarantee by construction: the rules every event obeys
/// (<see cref="EventRules"/>), names in the form the ledger keys them by, and each event on the stream it belongs to
/// (an endpoint derives the stream from the event; a file states both, and they must agree).
/// </summary>
public static class LedgerShape
{
    /// <summary>The first problem with the line, or null.</summary>
    /// <param name="now">When the import runs: a line with no recording time is recorded then.</param>
    public static LineProblem? Check(LedgerLine line, NodaTime.Instant now)
    {
        if (EventRules.Check(line.Data, line.RecordedAt ?? now) is { } problem)
            return new LineProblem(line.LineNumber, $"data.{problem.Name}", problem.Detail);
        if (Unnormalized(line.Data) is { } name)
            return new LineProblem(line.LineNumber, "data.username",
                $"'{name}' is not how the ledger keys this account; MediaWiki's form is '{Usernames.Normalize(name)}'.");
        if (ExpectedStream(line.Data) is { } expected && !expected.Matches(line.Stream))
            return new LineProblem(line.LineNumber, "stream", $"'{line.Stream}' is not the stream of this event: {expected.Describe}.");
        if (line.Data is GroupRegistered registered && !Slugs.IsSlug(registered.GroupId))
            return new LineProblem(line.LineNumber, "data.groupId", $"'{registered.GroupId}' {Slugs.Rule}");
        return null;
    }

    /// <summary>The groups an event names, which must be registered before it.</summary>
    public static IEnumerable<string> GroupsNamed(object data)
    {
        if (data is GroupRegistered) yield break;
        if (data is IBelongsToGroups owned)
            foreach (var group in owned.OwningGroups) yield return group;
        else if (data.GetType().GetProperty("GroupId")?.GetValue(data) is string groupId) yield return groupId;
    }

    private static string? Unnormalized(object data) => data switch
    {
        MemberSignedUp { Kind: MemberKind.Individual } s when Usernames.Normalize(s.Username) != s.Username => s.Username,
        RoleDesignated r when Usernames.Normalize(r.Username) != r.Username => r.Username,
        AccountRenamed r when Usernames.Normalize(r.NewName) != r.NewName => r.NewName,
        _ => null,
    };

    private sealed record StreamRule(Func<string, bool> Matches, string Describe);

    private static StreamRule? ExpectedStream(object data) => data switch
    {
        GroupRegistered g => Exactly(g.GroupId, "a group's registration is the first event of the stream named by its groupId"),
        GroupProfileChanged g => Exactly(g.GroupId, "a group's profile changes are on the stream named by its groupId"),
        PersonalDataErased => Exactly(Erasure.StreamKey, $"erasures are recorded on '{Erasure.StreamKey}'"),
        Governance.ComplianceRulesSet => Exactly(Governance.ComplianceRules.StreamKey, $"compliance rules are recorded on '{Governance.ComplianceRules.StreamKey}'"),
        Governance.RecognitionApplied or Governance.ProvisionallyApproved or Governance.GroupRecognized or Governance.AgreementSigned
            or Governance.ReportSubmitted or Governance.RecognitionSuspended or Governance.RecognitionReinstated or Governance.GroupDerecognized =>
            Exactly((string)data.GetType().GetProperty("GroupId")!.GetValue(data)!, "a group's recognition is on the stream named by its groupId"),
        Governance.CapacitiesDeclared or Governance.CapacitiesWithdrawn or Governance.AffiliationStatementIssued or Governance.AffiliationStatementRevoked =>
            InGroup((string)data.GetType().GetProperty("GroupId")!.GetValue(data)!),
        MemberSignedUp or MemberWithdrew or MemberRemoved or SignUpRetracted or SignatureTimeCorrected or RoleDesignated or RoleEnded
            or ContactDetailsRecorded or AccountRenamed => InGroup((string)data.GetType().GetProperty("GroupId")!.GetValue(data)!),
        _ when data.GetType().GetProperty("ActivityId")?.GetValue(data) is string activityId && data.GetType().Namespace == typeof(Activity).Namespace =>
            Exactly(activityId, "an activity's events are on the stream named by its activityId"),
        _ when data.GetType().GetProperty("GrantId")?.GetValue(data) is string grantId && data.GetType().Namespace == typeof(Grant).Namespace =>
            Exactly(grantId, "a grant's events are on the stream named by its grantId"),
        _ => null,
    };

    private static StreamRule Exactly(string key, string why) => new(stream => stream == key, $"{why} ('{key}')");

    private static StreamRule InGroup(string groupId) =>
        new(stream => Affiliation.IsAffiliationKey(stream) && Affiliation.GroupOf(stream) == groupId,
            $"a person's membership events are on the stream 'group:username' of their group ('{groupId}:…')");
}
