using JasperFx.Events;
using MembershipLedger.Activities;
using NodaTime;

namespace MembershipLedger.Tests.Activities;

/// <summary>The activity decisions: its lifecycle and who took part.</summary>
public class PlanningTests
{
    private static readonly LocalDate Today = new(2024, 6, 1);
    private static readonly Instant Now = Instant.FromUtc(2024, 6, 1, 12, 0);

    private static readonly ActivityDetails Salon = new(["wikimedia-ug-georgia"], ActivityKind.StrategySalon, "Strategy Salon in Tbilisi",
        new LocalDate(2019, 9, 9), new LocalDate(2019, 9, 9), DateTimeZoneProviders.Tzdb["Asia/Tbilisi"], new Place("Tbilisi", "GE", false), []);

    private static Activity Given(params object[] events)
    {
        var activity = Activity.Create(new Event<ActivityPlanned>(new ActivityPlanned("salon", Salon)) { Timestamp = DateTimeOffset.UnixEpoch });
        foreach (var e in events)
            activity = e switch
            {
                ActivityHeld h => activity.Apply(new Event<ActivityHeld>(h) { Timestamp = DateTimeOffset.UnixEpoch }),
                ActivityCancelled c => activity.Apply(new Event<ActivityCancelled>(c) { Timestamp = DateTimeOffset.UnixEpoch }),
                ActivitySignUpRecorded s => activity.Apply(new Event<ActivitySignUpRecorded>(s) { Timestamp = DateTimeOffset.UnixEpoch }),
                _ => throw new ArgumentException(e.GetType().Name),
            };
        return activity;
    }

    [Fact]
    public void An_activity_recorded_after_the_fact_is_planned_and_held_in_one_decision()
    {
        var decision = Planning.Plan(new PlanActivity("salon", Salon, AlreadyHeld: true), null, Today);
        Assert.Equal([typeof(ActivityPlanned), typeof(ActivityHeld)], decision.Events.Select(e => e.GetType()));
    }

    [Fact]
    public void An_activity_cannot_have_been_held_before_its_first_day()
    {
        var future = Salon with { StartsOn = new LocalDate(2024, 9, 1), EndsOn = new LocalDate(2024, 9, 1) };
        Assert.Equal("not-started-yet", Planning.Plan(new PlanActivity("salon", future, AlreadyHeld: true), null, Today).Problem?.Name);
    }

    [Fact]
    public void An_activity_ending_before_it_starts_is_refused_naming_endsOn()
    {
        var backwards = Salon with { EndsOn = new LocalDate(2019, 9, 1) };
        Assert.Equal("endsOn", Planning.Plan(new PlanActivity("salon", backwards, false), null, Today).Problem?.Name);
    }

    [Fact]
    public void A_cancellation_needs_a_reason_and_only_a_planned_activity_can_be_cancelled()
    {
        Assert.Equal("reason", Planning.Cancel(Given(), null).Problem?.Name);
        Assert.Equal("already-held", Planning.Cancel(Given(new ActivityHeld("salon")), "rain").Problem?.Name);
        Assert.IsType<ActivityCancelled>(Planning.Cancel(Given(), "rain").Events.Single());
    }

    [Fact]
    public void Participation_is_recorded_once_the_activity_was_held_and_on_one_of_its_days()
    {
        var take = new RecordParticipation("Mehman Ibragimov", ParticipationPart.Facilitated, null, new LocalDate(2019, 9, 9));
        Assert.Equal("not-held", Participating.Record(take, Given()).Problem?.Name);
        Assert.Equal("on", Participating.Record(take with { On = new LocalDate(2019, 9, 10) }, Given(new ActivityHeld("salon"))).Problem?.Name);
        Assert.IsType<ParticipationRecorded>(Participating.Record(take, Given(new ActivityHeld("salon"))).Events.Single());
    }

    [Fact]
    public void A_person_signs_an_activitys_interested_list_once_and_never_a_cancelled_one()
    {
        var signUp = new SignUpForActivity("Varnent", Instant.FromUtc(2015, 3, 8, 21, 59));
        Assert.Equal("already-signed-up", Participating.SignUp(signUp, Given(new ActivitySignUpRecorded("salon", "Varnent", null)), Now).Problem?.Name);
        Assert.Equal("activity-cancelled", Participating.SignUp(signUp, Given(new ActivityCancelled("salon")), Now).Problem?.Name);
        Assert.Equal("signedAt", Participating.SignUp(signUp with { SignedAt = Now + Duration.FromDays(1) }, Given(), Now).Problem?.Name);
    }
}
