using MembershipLedger.Memberships;
using NodaTime;

namespace MembershipLedger.Tests.Memberships;

public class RolesTests
{
    private static readonly Guid Assignment = Guid.Parse("6d3c1f8e-0000-4000-8000-0000000000a1");

    [Fact]
    public void OfficerWithoutTitle_IsRefusedNamingTitle()
    {
        var decision = DesignatingRole.Decide(new DesignateRole(Given.Group, Given.Username, RoleKind.Officer, null, null, Assignment), Given.Nothing, Given.Now);
        Assert.Equal("title", decision.Problem!.Name);
    }

    [Fact]
    public void RotatingPresidency_EndsOneDesignationAndStartsAnother()
    {
        var from = Instant.FromUtc(2023, 1, 1, 0, 0);
        var president = Given.Events(new RoleDesignated(Given.Group, Given.Username, Assignment, RoleKind.Officer, "president", from));

        var sameAgain = DesignatingRole.Decide(new DesignateRole(Given.Group, Given.Username, RoleKind.Officer, "President", null, Guid.NewGuid()), president, Given.Now);
        Assert.Equal("role-already-held", sameAgain.Problem!.Name);

        var end = EndingRole.Decide(new EndRole(Given.Group, Given.Username, Assignment, from + Duration.FromDays(365)), president, Given.Now);
        Assert.Equal([new RoleEnded(Given.Group, Given.Username, Assignment, from + Duration.FromDays(365))], end.Events);
    }

    [Fact]
    public void EndingARoleNotHeld_IsRefused()
    {
        var decision = EndingRole.Decide(new EndRole(Given.Group, Given.Username, Assignment, Given.Now), Given.Member(), Given.Now);
        Assert.Equal("role-not-held", decision.Problem!.Name);
    }
}
