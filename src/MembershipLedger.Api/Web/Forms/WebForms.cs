using MembershipLedger.Activities;
using MembershipLedger.Groups;
using MembershipLedger.Memberships;
using MembershipLedger.Storage;

namespace MembershipLedger.Api.Web.Forms;

/// <summary>
/// Every write a person makes from the pages, each the form of one API use case (its route, its request's fields).
/// The names are the addresses: <c>/web/record/{name}?groupId=…</c>.
/// </summary>
public static class WebForms
{
    private static FormField Reason(bool required = false) =>
        new("reason", "Why", FieldKind.LongText, required ? "Required: recorded with the event, for the audit trail." : "Optional: recorded with the event, for the audit trail.") { Required = required };

    private static FormField Member => new("username", "Member", Hint: "The account name as signed.") { InRoute = true, Fixed = true };

    private const string MomentHint = "Date and time in the group's time zone, e.g. 2022-12-09 20:24.";
    private const string EffectiveHint = "A date (the start of that day in the group's time zone), or a date and time; empty for now.";
    private const string PartialHint = "As precise as known: 2019, 2019-09 or 2019-09-14.";

    private static IReadOnlyDictionary<string, string> ProfileOf(FormSubject s) => s.Group is not { } g ? new Dictionary<string, string>() : new Dictionary<string, string>
    {
        ["name"] = g.Profile.Name, ["kind"] = Json.Kind(g.Profile.Kind), ["countryCode"] = g.Profile.CountryCode,
        ["languages"] = string.Join(", ", g.Profile.Languages), ["timeZone"] = g.Profile.TimeZone.Id,
        ["foundedOn"] = g.Profile.FoundedOn?.ToString() ?? "", ["contactChannels"] = string.Join("\n", g.Profile.ContactChannels.Select(c => $"{c.Kind}: {c.Value}")),
    };

    private static IReadOnlyDictionary<string, string> ActivityOf(FormSubject s) => s.Activity is not { Details: var d } ? new Dictionary<string, string>() : new Dictionary<string, string>
    {
        ["groups"] = string.Join(", ", d.GroupIds), ["kind"] = Json.Kind(d.Kind), ["title"] = d.Title, ["startsOn"] = d.StartsOn.ToString(),
        ["endsOn"] = d.EndsOn.ToString(), ["timeZone"] = d.TimeZone.Id, ["city"] = d.Place.City ?? "", ["countryCode"] = d.Place.CountryCode ?? "",
        ["online"] = d.Place.Online ? "true" : "", ["organizers"] = string.Join(", ", d.Organizers),
    };

    private static IReadOnlyList<Choice> LinesOf(FormSubject s) =>
        s.Grant is not { } g ? [] : [.. g.Lines.Select(l => new Choice(l.Key, $"{l.Value.Category} ({l.Key}): {Show.Money(l.Value.Remaining, g.Currency)} left"))];

    private static FormField[] GroupProfileFields(bool withId) =>
    [
        .. withId ? [new FormField("id", "Id", Hint: "Lower-case letters, digits and hyphens, e.g. tajik-wikimedians; left empty, it is made from the name.")] : Array.Empty<FormField>(),
        new("name", "Name") { Required = true },
        new("kind", "Kind", FieldKind.Choice) { Required = true, Choices = Choice.Of<GroupKind>() },
        new("countryCode", "Country", Hint: "ISO 3166 code, e.g. TJ.") { Required = true },
        new("languages", "Languages", FieldKind.List, "ISO 639 codes, separated by commas, e.g. tg, ru.") { Required = true },
        new("timeZone", "Time zone", Hint: "IANA zone, e.g. Asia/Dushanbe: the group's dates are read in it.") { Required = true },
        new("foundedOn", "Founded", FieldKind.PartialDate, PartialHint),
        new("contactChannels", "Public channels", FieldKind.Channels, "One a line, \"kind: value\", e.g. \"telegram: t.me/wikitj\"."),
        Reason(),
    ];

    private static FormField[] ActivityFields =>
    [
        new("groups", "Groups", FieldKind.List, "Group ids, separated by commas: the first is the host.") { Required = true },
        new("kind", "Kind", FieldKind.Choice) { Required = true, Choices = Choice.Of<ActivityKind>() },
        new("title", "Title") { Required = true },
        new("startsOn", "Starts", FieldKind.PartialDate, PartialHint) { Required = true },
        new("endsOn", "Ends", FieldKind.PartialDate, "Empty for a one-day activity."),
        new("timeZone", "Time zone", Hint: "IANA zone; empty for the host group's."),
        new("city", "City"),
        new("countryCode", "Country", Hint: "ISO 3166 code."),
        new("online", "Online", FieldKind.Check),
        new("organizers", "Organizers", FieldKind.List, "Account names, separated by commas."),
    ];

    public static readonly IReadOnlyList<WebForm> All =
    [
        // Groups
        new("register-group", "Register a group", SubjectKind.Ledger, "POST", "/groups", "Register the group", GroupProfileFields(withId: true))
            { AdminOnly = true, Explain = "A user group, chapter or thematic organization, as its Meta-Wiki page describes it." },
        new("group-profile", "Change the profile", SubjectKind.Group, "PUT", "/groups/{groupId}", "Save the profile", GroupProfileFields(withId: false))
            { Versioned = true, Prefill = ProfileOf, Explain = "Each change is recorded as an event; the former profile stays in the history." },

        // Memberships
        new("sign-up", "Record a sign-up", SubjectKind.Group, "POST", "/groups/{groupId}/members", "Record the sign-up",
        [
            new("username", "Account name", Hint: "As signed on the list; a User: prefix and underscores are fine.") { Required = true },
            new("signedAt", "Signed at", FieldKind.Moment, MomentHint + " Empty when the list shows no time: the sign-up is recorded undated."),
            new("kind", "Who signed", FieldKind.Choice) { Choices = Choice.Of<MemberKind>() },
            Reason(),
        ]) { Explain = "A signature on the group's \"Interested in participating\" list." },
        new("withdrawal", "Record a withdrawal", SubjectKind.Member, "POST", "/groups/{groupId}/members/{username}/withdrawal", "Record the withdrawal",
            [Member, new("effectiveAt", "Left on", FieldKind.Effective, EffectiveHint), Reason()])
            { Explain = "The member left of their own accord. They stay on the rosters of earlier dates." },
        new("removal", "Record a removal", SubjectKind.Member, "POST", "/groups/{groupId}/members/{username}/removal", "Record the removal",
            [Member, new("effectiveAt", "Removed on", FieldKind.Effective, EffectiveHint), Reason(required: true)])
            { Explain = "The group removed the member. They stay on the rosters of earlier dates." },
        new("retraction", "Retract a sign-up", SubjectKind.Member, "POST", "/groups/{groupId}/members/{username}/retraction", "Retract the sign-up",
            [Member, Reason()])
            { Explain = "The sign-up was recorded in error: it leaves every roster, as known from now; what was known before stays in the history." },
        new("correction", "Correct a signature time", SubjectKind.Member, "POST", "/groups/{groupId}/members/{username}/correction", "Record the correction",
            [Member, new("signedAt", "Signed at", FieldKind.Moment, MomentHint) { Required = true }, Reason(required: true)])
            { Explain = "The time the signature really bears. Rosters as known before the correction keep the former time." },
        new("contact-details", "Record contact details", SubjectKind.Member, "PUT", "/groups/{groupId}/members/{username}/contact-details", "Save the contact details",
            [Member, new("realName", "Real name"), new("email", "E-mail"),
             new("handles", "Handles", FieldKind.Channels, "One a line, \"kind: value\", e.g. \"telegram: @farorud\"."), Reason()])
            { Explain = "Personal data: seen only by admins, auditors and the group's organizers, and erased on request." },
        new("capacities", "Record capacities", SubjectKind.Member, "PUT", "/groups/{groupId}/members/{username}/capacities", "Save the capacities",
        [
            Member,
            new("languages", "Languages", FieldKind.Languages, "One a line, \"code: level\", e.g. \"tg: native\"; levels: basic, intermediate, advanced, near-native, professional, native."),
            new("skills", "Skills", FieldKind.List, $"Separated by commas, from: {string.Join(", ", MembershipLedger.Governance.DeclaringCapacities.Vocabulary)}."),
            new("tags", "Tags", FieldKind.List, "Anything else, separated by commas, e.g. Tajik poetry."),
            new("wouldMentor", "Would mentor", FieldKind.Check),
            new("published", "Show publicly", FieldKind.Check, "Only if the person chose so; otherwise only organizers see them."),
            Reason(),
        ]) { Explain = "Personal data, recorded with the person's consent for the capacity directory: they withdraw it at any time, and an erasure removes it." },
        new("withdraw-capacities", "Withdraw capacities", SubjectKind.Member, "DELETE", "/groups/{groupId}/members/{username}/capacities", "Withdraw them",
            [Member, Reason()]) { Explain = "The person's capacities leave the directory; the record that they were once declared stays in the ledger." },
        new("designate-role", "Designate a role", SubjectKind.Group, "POST", "/groups/{groupId}/roles", "Designate the role",
        [
            new("username", "Person", Hint: "Account name.") { Required = true },
            new("role", "Role", FieldKind.Choice) { Required = true, Choices = Choice.Of<RoleKind>() },
            new("title", "Title", Hint: "For an officer: treasurer, secretary…"),
            new("from", "From", FieldKind.Effective, "A date or a date and time; empty for now."),
            Reason(),
        ]),
        new("end-role", "End a role", SubjectKind.Role, "POST", "/groups/{groupId}/roles/{assignmentId}/end", "End the role",
            [new("assignmentId", "Designation", Hint: "The designation this ends.") { InRoute = true, Fixed = true },
             new("effectiveAt", "Ended on", FieldKind.Effective, EffectiveHint), Reason()]),

        // Activities
        new("plan-activity", "Record an activity", SubjectKind.Group, "POST", "/activities", "Record the activity",
        [
            new("id", "Id", Hint: "Optional: lower-case letters, digits and hyphens; made from the title when empty."),
            .. ActivityFields,
            new("status", "Status", FieldKind.Choice, "Planned, or already held.") { Choices = Choice.Of<ActivityStatus>() },
            Reason(),
        ]) { Prefill = s => new Dictionary<string, string> { ["groups"] = s.Group?.Id ?? "", ["countryCode"] = s.Group?.Profile.CountryCode ?? "" } },
        new("change-activity", "Change the activity", SubjectKind.Activity, "PUT", "/activities/{activityId}", "Save the activity", [.. ActivityFields, Reason()])
            { Versioned = true, Prefill = ActivityOf, Explain = "Reschedule, move or rename it; each change is an event." },
        new("hold-activity", "Record that it took place", SubjectKind.Activity, "POST", "/activities/{activityId}/held", "Record it as held", [Reason()]),
        new("cancel-activity", "Cancel the activity", SubjectKind.Activity, "POST", "/activities/{activityId}/cancellation", "Record the cancellation", [Reason(required: true)]),
        new("report-activity", "Report the outcomes", SubjectKind.Activity, "POST", "/activities/{activityId}/report", "Record the report",
        [
            new("articlesCreated", "Articles created", FieldKind.Integer), new("articlesImproved", "Articles improved", FieldKind.Integer),
            new("uploads", "Uploads", FieldKind.Integer), new("notes", "Notes", FieldKind.LongText),
            new("reportUrl", "Report", Hint: "Link to the report, e.g. on Meta-Wiki."), new("commonsCategory", "Commons category"), Reason(),
        ]),
        new("participant", "Record a participant", SubjectKind.Activity, "POST", "/activities/{activityId}/participants", "Record the participant",
        [
            new("username", "Person", Hint: "Account name.") { Required = true },
            new("part", "Part", FieldKind.Choice) { Required = true, Choices = Choice.Of<ParticipationPart>() },
            new("note", "Note"), new("on", "On", FieldKind.Date, "The day, e.g. 2019-09-14; empty when not known."), Reason(),
        ]),
        new("activity-sign-up", "Record an interested person", SubjectKind.Activity, "POST", "/activities/{activityId}/sign-ups", "Record the signature",
            [new("username", "Account name") { Required = true }, new("signedAt", "Signed at", FieldKind.Moment, MomentHint), Reason()]),
        new("unnamed-participants", "Count participants not named", SubjectKind.Activity, "PUT", "/activities/{activityId}/unnamed-participants", "Save the count",
            [new("count", "Participants not named", FieldKind.Integer) { Required = true }, Reason()]),

        // Grants
        new("award-grant", "Record a grant", SubjectKind.Group, "POST", "/groups/{groupId}/grants", "Record the grant",
        [
            new("id", "Id", Hint: "Lower-case letters, digits and hyphens, e.g. ma-strategy-salon-2019.") { Required = true },
            new("grantor", "Grantor", Hint: "e.g. Wikimedia Foundation.") { Required = true },
            new("program", "Program", Hint: "e.g. Rapid Grants.") { Required = true },
            new("purpose", "Purpose", FieldKind.LongText) { Required = true },
            new("periodStart", "Period from", FieldKind.PartialDate, PartialHint) { Required = true },
            new("periodEnd", "Period to", FieldKind.PartialDate, PartialHint) { Required = true },
            new("currency", "Currency", Hint: "ISO 4217 code, e.g. USD.") { Required = true },
            new("total", "Total awarded", FieldKind.Decimal, "e.g. 1200.00") { Required = true },
            new("lines", "Budget lines", FieldKind.BudgetLines, "One a line, \"id | category | amount\", e.g. \"venue | Venue and catering | 450\"."),
            new("awardedOn", "Awarded on", FieldKind.PartialDate, PartialHint),
            new("activityId", "For the activity", Hint: "Its id, when the grant funds one."),
            Reason(),
        ]),
        new("budget-line", "Add or revise a budget line", SubjectKind.Grant, "PUT", "/grants/{grantId}/lines/{lineId}", "Save the line",
        [
            new("lineId", "Line id", Hint: "An existing line's id revises it; a new id adds a line.") { InRoute = true, Required = true },
            new("category", "Category", Hint: "Required for a new line."),
            new("amount", "Amount", FieldKind.Decimal, "In the grant's currency.") { Required = true },
            new("revisedOn", "Revised on", FieldKind.Date, "Empty for today."), Reason(),
        ]) { Prefill = s => s.Grant is { } g && s.Values.GetValueOrDefault("lineId") is { } l && g.Lines.TryGetValue(l, out var line)
                ? new Dictionary<string, string> { ["category"] = line.Category, ["amount"] = line.Budgeted.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : new Dictionary<string, string>() },
        new("expense", "Record an expense", SubjectKind.Grant, "POST", "/grants/{grantId}/expenses", "Record the expense",
        [
            new("lineId", "Budget line", FieldKind.Choice) { Required = true, ChoicesOf = LinesOf },
            new("amount", "Amount", FieldKind.Decimal, "As paid, in the currency below.") { Required = true },
            new("currency", "Paid in", Hint: "ISO 4217 code.") { Required = true },
            new("exchangeRate", "Rate", FieldKind.Decimal, "Grant currency per 1 unit paid, e.g. 0.1 for MAD in USD; empty to use the rate of the funds received in that currency."),
            new("spentOn", "Paid on", FieldKind.PartialDate, PartialHint) { Required = true },
            new("payee", "Paid to") { Required = true },
            new("description", "What for") { Required = true },
            new("receipt", "Receipt", Hint: "Its reference or link."),
            Reason(),
        ]) { Prefill = s => new Dictionary<string, string> { ["currency"] = s.Grant?.Currency ?? "" } },
        new("reversal", "Reverse an expense", SubjectKind.Expense, "POST", "/grants/{grantId}/expenses/{expenseId}/reversal", "Reverse the expense",
            [new("expenseId", "Expense") { InRoute = true, Fixed = true }, new("reversedOn", "Reversed on", FieldKind.Date, "Empty for today."), Reason(required: true)])
            { Explain = "The expense stays in the trail; a reversal entry cancels it." },
        new("amend-grant", "Amend the award", SubjectKind.Grant, "POST", "/grants/{grantId}/amendments", "Record the amendment",
        [
            new("total", "New total", FieldKind.Decimal, "In the grant's currency.") { Required = true },
            new("approvalReference", "Approval", Hint: "The grantor's reference: a task, a page, a letter."),
            new("approvedOn", "Approved on", FieldKind.Date, "Empty for today."), Reason(required: true),
        ]) { Explain = "The award's total changes; never below what is spent and returned, nor below what the lines hold." },
        new("reallocate", "Move money between lines", SubjectKind.Grant, "POST", "/grants/{grantId}/reallocations", "Record the reallocation",
        [
            new("moves", "Moves", FieldKind.Moves, "One a line, \"from | to | amount\", e.g. \"travel | venue | 250\".") { Required = true },
            new("approvalReference", "Approval", Hint: "The budget change request's reference."),
            new("approvedOn", "Approved on", FieldKind.Date, "Empty for today."), Reason(),
        ]) { Explain = "One approved budget change request: every move is recorded, or none. The total allocated stays the same." },
        new("receive-funds", "Record funds received", SubjectKind.Grant, "POST", "/grants/{grantId}/receipts", "Record the funds received",
        [
            new("sent", "Sent", FieldKind.Decimal, "What the grantor sent, in the grant's currency.") { Required = true },
            new("currency", "Arrived in", Hint: "ISO 4217 code of the currency it arrived in, e.g. MXN.") { Required = true },
            new("received", "Received", FieldKind.Decimal, "What arrived, after the transfer's fees and taxes.") { Required = true },
            new("receivedOn", "Arrived on", FieldKind.Date, "Empty for today."), new("reference", "Transfer reference"), Reason(),
        ]) { Explain = "Expenses paid in that currency without a rate of their own are then counted at the rate the funds arrived at." },
        new("return-funds", "Record funds returned", SubjectKind.Grant, "POST", "/grants/{grantId}/returns", "Record the return",
            [new("amount", "Amount", FieldKind.Decimal, "In the grant's currency.") { Required = true }, new("returnedOn", "Returned on", FieldKind.Date, "Empty for today."),
             new("reference", "Reference"), Reason()]),
        new("close-grant", "Close the grant", SubjectKind.Grant, "POST", "/grants/{grantId}/closure", "Close the grant",
            [new("closedOn", "Closed on", FieldKind.PartialDate, "Empty for today."), new("finalReportUrl", "Final report", Hint: "Link to the report."), Reason()])
            { Explain = "Nothing more can be spent on a closed grant." },

        // Governance
        new("record-recognition", "Record a step of recognition", SubjectKind.Group, "POST", "/groups/{groupId}/recognition", "Record the step",
        [
            new("step", "Step", FieldKind.Choice) { Required = true, Choices =
                [new("applied", "applied"), new("provisionally-approved", "provisionally approved"), new("recognized", "recognized"),
                 new("suspended", "suspended"), new("reinstated", "reinstated"), new("derecognized", "derecognized")] },
            new("on", "Took effect on", FieldKind.Date, "The day of the decision, e.g. 2023-05-01.") { Required = true },
            new("trialEndsOn", "Trial ends on", FieldKind.Date, "For a provisional approval only."),
            new("link", "Link", Hint: "Where the decision is written: the Affiliations Committee's resolution, a Meta-Wiki page."),
            Reason(),
        ]) { AdminOnly = true, Explain = "Steps follow one another: applied, provisionally approved, recognized; suspended and reinstated; derecognized. A suspension, a reinstatement and a derecognition need a reason." },
        new("record-agreement", "Record an agreement", SubjectKind.Group, "POST", "/groups/{groupId}/agreements", "Record the agreement",
            [new("signedOn", "Signed on", FieldKind.Date) { Required = true }, new("endsOn", "In force until", FieldKind.Date) { Required = true },
             new("link", "Link"), Reason()])
            { AdminOnly = true, Explain = "An agreement with the Wikimedia Foundation, first or renewed: it is in force from the day it was signed to its last day." },
        new("record-report", "Record a report", SubjectKind.Group, "POST", "/groups/{groupId}/reports", "Record the report",
        [
            new("kind", "Kind", Hint: "activity, financial, or another kind the rules name.") { Required = true },
            new("periodStart", "Period from", FieldKind.Date) { Required = true }, new("periodEnd", "Period to", FieldKind.Date) { Required = true },
            new("submittedOn", "Submitted on", FieldKind.Date) { Required = true }, new("link", "Link", Hint: "The report's page."), Reason(),
        ]) { Explain = "A report counts for the calendar year its period ends in. Record it with the day it was really submitted: a late entry does not make it late." },

        // People
        new("rename", "Record a renamed account", SubjectKind.Person, "POST", "/people/{username}/rename", "Record the new name",
            [new("username", "Former name") { InRoute = true, Fixed = true }, new("newName", "New name") { Required = true }, Reason(required: true)])
            { AdminOnly = true, Explain = "The account was renamed on the wikis: the person keeps their memberships and roles under the new name." },
    ];

    public static WebForm? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>A link to a form about a subject, its values in the address.</summary>
    public static string Link(string name, params (string Key, string? Value)[] values) =>
        Find(name)!.Link(values.ToDictionary(v => v.Key, v => v.Value));
}
