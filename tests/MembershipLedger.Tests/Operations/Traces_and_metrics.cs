using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MembershipLedger.Tests.Infrastructure;
using static MembershipLedger.Tests.Infrastructure.Scenarios;

namespace MembershipLedger.Tests.Operations;

/// <summary>What an operator's collector receives: one trace per request, from HTTP through the handler to the database; metrics to scrape.</summary>
public class Traces_and_metrics(LedgerApp app) : LedgerTest(app)
{
    [Fact]
    public async Task A_sign_up_is_one_trace_from_the_request_through_its_handler_to_the_database()
    {
        await RegisteredTajikGroup(Client);
        App.Spans.Clear();
        await Expect(await PostAsync($"/groups/{Tajik}/members", new { username = "Farorud", signedAt = "2022-12-09T11:13:00Z" }), HttpStatusCode.Created);

        await App.Spans.WaitForAsync(s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /groups/{groupId}/members", TimeSpan.FromSeconds(10));
        var spans = App.Spans.Snapshot();
        var request = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /groups/{groupId}/members");
        Assert.Equal("MembershipLedger.Api.Memberships.SignUps.SignUpEndpoint", request.GetTagItem("handler.type"));
        Assert.Equal(201, request.GetTagItem("http.response.status_code"));
        var sameTrace = spans.Where(s => s.TraceId == request.TraceId && s != request).ToList();
        Assert.Contains(sameTrace, s => s.Source.Name == "Marten");
        Assert.Contains(sameTrace, s => s.Source.Name == "Npgsql" && s.GetTagItem("db.query.text") is string sql && sql.Contains("mt_events"));
    }

    [Fact]
    public async Task Metrics_are_scraped_in_the_Prometheus_text_format_with_the_ledger_s_own_and_Marten_s_append_count()
    {
        await TajikGroupWithItsSignatures(Client);
        var scrape = await App.Anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("ledger_events", text);
        Assert.Contains("ledger_projections_dead_letters", text);
        Assert.Contains("ledger_projection_behind{", text);
        Assert.Contains("projection=\"history\"", text);
        Assert.Contains("marten_event_append", text);
        Assert.Contains("http_server_request_duration_seconds", text);
    }

    [Fact]
    public async Task Readiness_says_which_node_runs_each_asynchronous_projection_and_how_far_behind_it_is()
    {
        await TajikGroupWithItsSignatures(Client);
        await App.CaughtUpAsync();
        var ready = await App.Anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var projections = (await ready.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("checks").GetProperty("projections");
        Assert.Equal("Healthy", projections.GetProperty("status").GetString());
        foreach (var name in new[] { "history", "timeline" })
        {
            var standing = projections.GetProperty("data").GetProperty(name);
            Assert.Equal(0, standing.GetProperty("behind").GetInt64());
            Assert.True(standing.GetProperty("runningOnNode").GetInt32() > 0);
        }
    }
}
