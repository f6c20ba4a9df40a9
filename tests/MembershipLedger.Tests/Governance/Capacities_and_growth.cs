using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Api.Samples;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Governance;

/// <summary>The capacity directory (opt-in, personal data), growth across groups, and the annual-report draft, on the sample ledger.</summary>
public class Capacities_and_growth(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task Capacities_are_found_by_language_shown_publicly_only_when_published_and_erased_with_the_person()
    {
        await TajikGroupWithItsSignatures(Client);
        await Expect(await Client.PutAsJsonAsync($"/groups/{Tajik}/members/Farorud/capacities", new
        {
            languages = new[] { new { code = "tg", level = "native" }, new { code = "ru", level = "advanced" } },
            skills = new[] { "translation", "wikidata" }, tags = new[] { "Tajik poetry" }, wouldMentor = true, published = true,
        }), HttpStatusCode.OK);
        await Expect(await Client.PutAsJsonAsync($"/groups/{Tajik}/members/Mardetanha/capacities", new
        {
            languages = new[] { new { code = "fa", level = "native" }, new { code = "tg", level = "intermediate" } }, skills = new[] { "programming" }, published = false,
        }), HttpStatusCode.OK);

        var publicTajik = await GetJson(App.Anonymous, "/capacities?language=tg");
        Assert.Equal(["Farorud"], publicTajik.EnumerateArray().Select(c => c.GetProperty("username").GetString()));
        Assert.Empty((await GetJson(App.Anonymous, "/capacities?language=fa")).EnumerateArray());
        Assert.Equal(["Farorud", "Mardetanha"], (await GetJson(Client, "/capacities?language=tg")).EnumerateArray().Select(c => c.GetProperty("username").GetString()));
        Assert.Equal(["Farorud"], (await GetJson(App.Anonymous, "/capacities?skill=wikidata&country=TJ&mentor=true")).EnumerateArray().Select(c => c.GetProperty("username").GetString()));
        var organizerElsewhere = await App.ClientAsync("other-organizer", MembershipLedger.Access.AccessRole.Organizer, "wikimedia-ma");
        Assert.Empty((await GetJson(organizerElsewhere, "/capacities?language=fa")).EnumerateArray());
        var bad = await Expect(await App.Anonymous.GetAsync("/capacities?skill=juggling"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("skill", out _));
        var count = await App.EventCountAsync();
        var unknownSkill = await Expect(await Client.PutAsJsonAsync($"/groups/{Tajik}/members/Farorud/capacities", new { skills = new[] { "juggling" } }), HttpStatusCode.BadRequest);
        Assert.True(unknownSkill.GetProperty("errors").TryGetProperty("skills[0]", out _));
        Assert.Equal(count, await App.EventCountAsync());

        await Expect(await PostAsync("/people/Farorud/erasure", new { reason = "The person asked to be forgotten" }), HttpStatusCode.OK);
        Assert.Empty((await GetJson(Client, "/capacities?language=ru")).EnumerateArray());
        Assert.DoesNotContain("Farorud", (await GetJson(Client, "/capacities")).ToString());
        Assert.DoesNotContain("Tajik poetry", (await GetJson(Client, "/capacities")).ToString());

        await Expect(await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/groups/{Tajik}/members/Mardetanha/capacities")), HttpStatusCode.NoContent);
        Assert.Empty((await GetJson(Client, "/capacities?language=fa")).EnumerateArray());
    }

    [Fact]
    public async Task Growth_on_the_samples_matches_a_hand_count_of_the_Tajik_list()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);

        // By hand, from seed 001: 8 dated signatures in December 2022 (in Dushanbe's time), 1 in February 2023, 2 in April 2023.
        var quarters = await GetJson(Client, $"/governance/growth?period=quarter&group={Tajik}&until=2023-06-30");
        var points = quarters.GetProperty("groups")[0].GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("period").GetString(), p.GetProperty("joined").GetInt32(), p.GetProperty("membersAtEnd").GetInt32())).ToList();
        Assert.Equal([("2022-Q4", 8, 8), ("2023-Q1", 1, 9), ("2023-Q2", 2, 11)], points);

        var years = await GetJson(Client, "/governance/growth?period=year&country=TJ&until=2023-12-31");
        Assert.Equal([("2022", 8), ("2023", 11)], years.GetProperty("total").EnumerateArray()
            .Select(p => (p.GetProperty("period").GetString(), p.GetProperty("membersAtEnd").GetInt32())));

        var csv = await Client.GetStringAsync($"/governance/growth.csv?period=year&group={Tajik}&until=2023-12-31");
        Assert.Contains($"{Tajik},Tajik Wikimedians User Group,TJ,user-group,2023,2023-12-31,3,0,11", csv);
        var bad = await Expect(await Client.GetAsync("/governance/growth?period=fortnight&kind=club"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("period", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task The_annual_report_draft_for_the_Tajik_group_counts_its_year_and_names_its_sources()
    {
        await SampleLedger.LoadIfEmptyAsync(App.Store, App.Clock);

        var draft = await GetJson(Client, $"/groups/{Tajik}/annual-report?year=2023");
        Assert.Equal(10, draft.GetProperty("membersAtStart").GetInt32()); // 8 dated at the end of 2022, and the 2 undated
        Assert.Equal(13, draft.GetProperty("membersAtEnd").GetInt32());
        Assert.Equal(["Kagansky", "Erokhin", "Daniel Mietchen"], draft.GetProperty("joined").EnumerateArray().Select(j => j.GetString()));
        Assert.Empty(draft.GetProperty("left").EnumerateArray());
        Assert.Equal("Darafsh", Assert.Single(draft.GetProperty("roles").EnumerateArray()).GetProperty("username").GetString()); // the contact, as the page names him

        var wiki = await Client.GetStringAsync($"/groups/{Tajik}/annual-report.wiki?year=2023");
        Assert.StartsWith("== Tajik Wikimedians User Group: report for 2023-01-01 to 2023-12-31 ==", wiki);
        Assert.Contains("'''10'''", wiki);
        Assert.Contains("[[User:Erokhin|Erokhin]]", wiki);
        Assert.Contains($"/groups/{Tajik}/roster/compare?from=2022-12-31&to=2023-12-31", wiki);
        var markdown = await Client.GetStringAsync($"/groups/{Tajik}/annual-report.md?year=2023");
        Assert.StartsWith("# Tajik Wikimedians User Group: report for 2023-01-01 to 2023-12-31", markdown);
        Assert.Contains("**13**", markdown);
        Assert.Contains("[Daniel Mietchen](https://meta.wikimedia.org/wiki/User:Daniel_Mietchen)", markdown);
        var html = await Client.GetStringAsync($"/groups/{Tajik}/annual-report.html?year=2023");
        Assert.Contains("<h3>Members</h3>", html);
        Assert.DoesNotContain("(_AT_)", wiki); // the contact's e-mail is personal data, never in the draft
        var bad = await Expect(await Client.GetAsync($"/groups/{Tajik}/annual-report?year=1999"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("year", out _));
    }
}
