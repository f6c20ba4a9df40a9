using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MembershipLedger.Access;
using MembershipLedger.Tests.Infrastructure;

namespace MembershipLedger.Tests.Access;

public sealed class Who_may_do_what(LedgerApp app) : LedgerTest(app)
{
    private const string Contact = $"/groups/{Scenarios.Tajik}/members/Mardetanha/contact-details";

    private async Task TajikAndMoroccoAsync()
    {
        await Scenarios.TajikGroupWithItsSignatures(Client);
        await Scenarios.MoroccanGroup(Client);
    }

    [Fact]
    public async Task An_organizer_writes_their_own_group()
    {
        await TajikAndMoroccoAsync();
        var organizer = await App.ClientAsync("Darafsh", AccessRole.Organizer, Scenarios.Tajik);

        await Scenarios.Expect(await organizer.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Newcomer" }), HttpStatusCode.Created);

        var history = await Scenarios.GetJson(Client, "/people/Newcomer/history");
        Assert.Equal("Darafsh", history.GetProperty("entries")[0].GetProperty("recordedBy").GetString());
    }

    [Fact]
    public async Task An_organizer_of_another_group_is_refused_403_and_nothing_is_appended()
    {
        await TajikAndMoroccoAsync();
        var moroccan = await App.ClientAsync("ma-organizer", AccessRole.Organizer, Scenarios.Morocco);
        var events = await App.EventCountAsync();

        var writes = new (string Url, object Body)[]
        {
            ($"/groups/{Scenarios.Tajik}/members", new { username = "Intruder" }),
            ($"/groups/{Scenarios.Tajik}/members/Mardetanha/withdrawal", new { }),
            ($"/groups/{Scenarios.Tajik}/roles", new { username = "Intruder", role = "designated-contact" }),
            ($"/groups/{Scenarios.Tajik}/grants", new { id = "tj-grant", grantor = "WMF", program = "Rapid", purpose = "x", currency = "USD", total = 10, periodStart = "2024-01", periodEnd = "2024-02", awardedOn = "2024-01-01", lines = new[] { new { id = "accommodation", category = "Accommodation", amount = 10 } } }),
            ("/activities", new { id = "tj-meetup", groups = new[] { Scenarios.Tajik, Scenarios.Morocco }, kind = "meetup", title = "Meetup", startsOn = "2024-05-01", endsOn = "2024-05-01", timeZone = "Asia/Dushanbe", city = "Dushanbe", countryCode = "TJ" }),
        };
        foreach (var (url, body) in writes)
        {
            var problem = await Scenarios.Expect(await moroccan.PostAsJsonAsync(url, body), HttpStatusCode.Forbidden);
            Assert.Contains(Scenarios.Tajik, problem.GetProperty("detail").GetString());
        }
        await Scenarios.Expect(await moroccan.PatchAsJsonAsync($"/groups/{Scenarios.Tajik}", new { name = "Taken over" }), HttpStatusCode.Forbidden);
        await Scenarios.Expect(await moroccan.PutAsJsonAsync(Contact, new { email = "x@example.org" }), HttpStatusCode.Forbidden);

        Assert.Equal(events, await App.EventCountAsync());
    }

    [Fact]
    public async Task Without_a_key_writes_are_refused_401_and_an_auditor_reads_but_does_not_write()
    {
        await TajikAndMoroccoAsync();
        var auditor = await App.ClientAsync("auditor", AccessRole.Auditor);
        var events = await App.EventCountAsync();

        await Scenarios.Expect(await App.Anonymous.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Anon" }), HttpStatusCode.Unauthorized);
        await Scenarios.Expect(await auditor.PostAsJsonAsync($"/groups/{Scenarios.Tajik}/members", new { username = "Anon" }), HttpStatusCode.Forbidden);
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/groups/{Scenarios.Tajik}");
        forged.Headers.Add("X-Api-Key", "mlk_000000000000_" + new string('0', 64));
        await Scenarios.Expect(await App.Anonymous.SendAsync(forged), HttpStatusCode.Unauthorized);

        Assert.Equal(events, await App.EventCountAsync());
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/export")).StatusCode);
    }

    [Fact]
    public async Task Public_reads_show_no_personal_data_while_auditors_and_the_groups_organizers_see_it()
    {
        await TajikAndMoroccoAsync();
        await Scenarios.Expect(await Client.PatchAsJsonAsync($"/groups/{Scenarios.Tajik}",
            new { contactChannels = new[] { new { kind = "telegram", value = "Telegram Group" }, new { kind = "email", value = "Darafsh(_AT_)hotmail.com" } } }), HttpStatusCode.OK);
        await Scenarios.Expect(await Client.PutAsJsonAsync(Contact,
            new { realName = "Mard Etanha", email = "mardetanha(_AT_)example.org", handles = new[] { new { kind = "telegram", value = "@mardetanha" } } }), HttpStatusCode.OK);
        var auditor = await App.ClientAsync("auditor", AccessRole.Auditor);
        var tajikOrganizer = await App.ClientAsync("Darafsh", AccessRole.Organizer, Scenarios.Tajik);
        var moroccanOrganizer = await App.ClientAsync("ma-organizer", AccessRole.Organizer, Scenarios.Morocco);

        foreach (var reader in new[] { App.Anonymous, moroccanOrganizer })
        {
            var member = await Scenarios.GetJson(reader, $"/groups/{Scenarios.Tajik}/members/Mardetanha");
            Assert.Equal(JsonValueKind.Null, member.GetProperty("contact").ValueKind);
            var group = await Scenarios.GetJson(reader, $"/groups/{Scenarios.Tajik}");
            Assert.DoesNotContain("hotmail", group.ToString());
            Assert.DoesNotContain("hotmail", (await Scenarios.GetJson(reader, "/groups")).ToString());
            foreach (var url in new[] { $"/groups/{Scenarios.Tajik}/history", "/people/Mardetanha/history", $"/groups/{Scenarios.Tajik}/timeline", $"/groups/{Scenarios.Tajik}/roster" })
            {
                var text = await (await reader.GetAsync(url)).Content.ReadAsStringAsync();
                Assert.DoesNotContain("example.org", text);
                Assert.DoesNotContain("Mard Etanha", text);
                Assert.DoesNotContain("@mardetanha", text);
            }
        }
        await Scenarios.Expect(await App.Anonymous.GetAsync("/export"), HttpStatusCode.Unauthorized);
        await Scenarios.Expect(await App.Anonymous.GetAsync($"/groups/{Scenarios.Tajik}/export"), HttpStatusCode.Unauthorized);
        await Scenarios.Expect(await moroccanOrganizer.GetAsync($"/groups/{Scenarios.Tajik}/export"), HttpStatusCode.Forbidden);

        foreach (var reader in new[] { auditor, tajikOrganizer })
        {
            var contact = (await Scenarios.GetJson(reader, $"/groups/{Scenarios.Tajik}/members/Mardetanha")).GetProperty("contact");
            Assert.Equal("mardetanha@example.org", contact.GetProperty("email").GetString());
            Assert.Equal("Mard Etanha", contact.GetProperty("realName").GetString());
            Assert.Contains("hotmail", (await Scenarios.GetJson(reader, $"/groups/{Scenarios.Tajik}")).ToString());
        }
        Assert.Contains("mardetanha@example.org", await auditor.GetStringAsync("/export"));
    }
}
