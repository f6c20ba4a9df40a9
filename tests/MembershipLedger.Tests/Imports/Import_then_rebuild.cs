using System.Net;
using System.Net.Http.Json;
using System.Text;
using MembershipLedger.Storage;
using MembershipLedger.Tests.Infrastructure;
using NodaTime;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Imports;

/// <summary>
/// The three ways the projections get written — each write in its own transaction, an import in one, a rebuild from the
/// events — give the same tables, row for row.
/// </summary>
public sealed class Import_then_rebuild(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task A_ledger_written_one_request_at_a_time_and_the_same_events_imported_then_rebuilt_have_identical_projections()
    {
        // One request at a time, each projected in its own transaction: sign-ups, a withdrawal, a correction, a role,
        // a profile change, a grant with expenses, a reversal and a reallocation...
        await TajikGroupWithItsSignatures(Client);
        App.Clock.Advance(Duration.FromDays(2));
        await Expect(await PostAsync($"/groups/{Tajik}/members/Kagansky/withdrawal", new { effectiveAt = "2024-01-15" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Tajik}/members/TITANTJ/correction",
            new { signedAt = "2022-12-10T07:24:00Z", reason = "The page history shows 07:24" }), HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Tajik}/roles", new { username = "Mardetanha", role = "designated-contact" }), HttpStatusCode.Created);
        await Expect(await Client.PatchAsJsonAsync($"/groups/{Tajik}", new { name = "Tajik Wikimedians User Group" }), HttpStatusCode.OK);
        await MoroccanGroup(Client);
        await Expect(await PostAsync($"/groups/{Morocco}/grants", new
        {
            id = "ma-editathons-2019", grantor = "Wikimedia Foundation", program = "Rapid Grants", purpose = "Three editathons",
            periodStart = "2019-01-01", periodEnd = "2019-12-31", currency = "USD", total = 1200m, awardedOn = "2019-01-10",
            lines = new object[] { new { id = "venue", category = "Venue", amount = 700m }, new { id = "prizes", category = "Prizes", amount = 500m } },
        }), HttpStatusCode.Created);
        var expense = await Expect(await PostAsync("/grants/ma-editathons-2019/expenses",
            new { lineId = "venue", amount = 400m, currency = "USD", spentOn = "2019-03-01", payee = "Venue", description = "Hall" }), HttpStatusCode.Created);
        await Expect(await PostAsync("/grants/ma-editathons-2019/expenses",
            new { lineId = "prizes", amount = 135.50m, currency = "USD", spentOn = "2019-03-01", payee = "Shop", description = "Books" }), HttpStatusCode.Created);
        await Expect(await PostAsync($"/grants/ma-editathons-2019/expenses/{expense.GetProperty("expenseId").GetString()}/reversal",
            new { reason = "Entered twice" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/grants/ma-editathons-2019/reallocations",
            new { moves = new object[] { new { from = "prizes", to = "venue", amount = 100m } }, approvalReference = "BCR 1", approvedOn = "2019-04-01" }),
            HttpStatusCode.OK);
        // What the rest of the appliers handle: a role ended, a retraction, an account renamed; activities planned, held
        // and cancelled, with sign-ups (placed in the activity's zone, or on its first day when undated) and participants;
        // a grant's funds returned and the grant closed.
        var role = await Expect(await PostAsync($"/groups/{Tajik}/roles", new { username = "Farorud", role = "officer", title = "president", from = "2023-01-01" }),
            HttpStatusCode.Created);
        await Expect(await PostAsync($"/groups/{Tajik}/roles/{role.GetProperty("assignmentId").GetString()}/end", new { effectiveAt = "2024-01-01", reason = "Rotation" }),
            HttpStatusCode.OK);
        await Expect(await PostAsync($"/groups/{Tajik}/members/Kagansky/retraction", new { reason = "Signed the wrong group's list" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/people/Mardetanha/rename", new { newName = "Mardetanha2", reason = "Global rename" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/activities", new
        {
            id = "editathon-dushanbe", groups = new[] { Tajik, Morocco }, kind = "edit-a-thon", title = "Editathon in Dushanbe",
            startsOn = "2024-03", city = "Dushanbe", countryCode = "TJ", organizers = new[] { "Farorud" },
        }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities/editathon-dushanbe/sign-ups", new { username = "TITANTJ", signedAt = "2024-02-28T21:30:00Z" }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities/editathon-dushanbe/sign-ups", new { username = "Farorud" }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities/editathon-dushanbe/held", new { }), HttpStatusCode.OK);
        await Expect(await PostAsync("/activities/editathon-dushanbe/participants", new { username = "TITANTJ", part = "attended" }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities", new
        {
            id = "meetup-rabat", groups = new[] { Morocco }, kind = "meetup", title = "Meetup in Rabat", startsOn = "2024-05-04", city = "Rabat", countryCode = "MA",
        }), HttpStatusCode.Created);
        await Expect(await PostAsync("/activities/meetup-rabat/cancellation", new { reason = "Venue unavailable" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/grants/ma-editathons-2019/returns", new { amount = 65m, returnedOn = "2019-12-20", reference = "Wire 12" }), HttpStatusCode.OK);
        await Expect(await PostAsync("/grants/ma-editathons-2019/closure", new { closedOn = "2020-01-15", finalReportUrl = "https://meta.wikimedia.org/wiki/Grants:Report" }),
            HttpStatusCode.OK);
        await App.CaughtUpAsync();
        var oneByOne = await ProjectionsAsync();
        var exported = await (await Client.GetAsync("/export")).EnsureSuccessStatusCode().Content.ReadAsStringAsync();

        await App.ResetAsync();
        App.Clock.Advance(Duration.FromDays(400));
        await Expect(await Client.PostAsync("/imports/events", new StringContent(exported, Encoding.UTF8, "application/x-ndjson")), HttpStatusCode.OK);
        await App.CaughtUpAsync();
        var imported = await ProjectionsAsync();
        await LedgerProjections.RebuildAsync(App.Store);
        var rebuilt = await ProjectionsAsync();

        Assert.All(LedgerSchema.ProjectionTables.Append("ledger.mt_doc_groupprofile").Append("ledger.mt_doc_grant"),
            table => Assert.False(oneByOne[table] == "", $"{table} is empty: the comparison would prove nothing of it."));
        Assert.Equal(oneByOne, imported);
        Assert.Equal(oneByOne, rebuilt);
    }

    /// <summary>
    /// Every projection table's rows and every projected document, as text in a stable order. An event's sequence number
    /// is the one thing an import does not keep (the database numbers what it appends), so rows name their event by id.
    /// </summary>
    private async Task<SortedDictionary<string, string>> ProjectionsAsync()
    {
        var text = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in LedgerSchema.ProjectionTables)
        {
            var columns = (string)(await App.ExecuteSqlAsync(
                $"select string_agg(column_name, ',') from information_schema.columns where table_schema || '.' || table_name = '{table}'"))!;
            var row = columns.Split(',').Contains("seq")
                ? $"""
                   to_jsonb(t) - 'seq' - 'entry_key' || jsonb_build_object('event', e.id,
                     'entry_key', replace(coalesce(to_jsonb(t) ->> 'entry_key', ''), 'event:' || t.seq, 'event:' || e.id))
                   """
                : "to_jsonb(t) - 'id'";
            var join = columns.Split(',').Contains("seq") ? $"left join {LedgerSchema.Name}.mt_events e on e.seq_id = t.seq" : "";
            text[table] = (string)(await App.ExecuteSqlAsync(
                $"select coalesce(string_agg(r, E'\\n' order by r), '') from (select ({row})::text r from {table} t {join}) rows"))!;
        }
        var documents = (string)(await App.ExecuteSqlAsync(
            $"""
             select string_agg(format('%I.%I', schemaname, tablename), ',' order by tablename) from pg_tables
             where schemaname = '{LedgerSchema.Name}' and tablename like 'mt\_doc\_%'
               and tablename not in ('mt_doc_apikey', 'mt_doc_dataprotectionkey', 'mt_doc_statementsigningkey')
             """))!;
        foreach (var table in documents.Split(','))
            text[table] = (string)(await App.ExecuteSqlAsync(
                $"select coalesce(string_agg(id::text || ' ' || data::text, E'\\n' order by id::text), '') from {table}"))!;
        return text;
    }
}
