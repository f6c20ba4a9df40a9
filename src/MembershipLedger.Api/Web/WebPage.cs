using MembershipLedger.Api.Groups;
using Microsoft.AspNetCore.Components;
using MembershipLedger.Api.Memberships;
using MembershipLedger.Groups;

namespace MembershipLedger.Api.Web;

/// <summary>
/// Base of the pages: the request (to set the status a failed question deserves, so a 404 page is a 404 to a
/// browser and a link checker alike) and the reading of query-string dates the way the API reads them.
/// </summary>
public abstract class WebPage : ComponentBase
{
    [CascadingParameter] public HttpContext? Http { get; set; }

    /// <summary>
    /// False until <see cref="LoadAsync"/> finished. A component renders once at its first await, before its data is
    /// there; pages render nothing until then, so that first pass can neither fail nor show a wrong answer.
    /// </summary>
    protected bool Loaded { get; private set; }

    protected abstract Task LoadAsync();

    protected sealed override async Task OnInitializedAsync()
    {
        await LoadAsync();
        Loaded = true;
    }

    /// <summary>
    /// The status the page's answer deserves. Blazor's static rendering stops and leaves an empty body when a page sets
    /// 404 itself (it expects a re-execution), so the code is applied as the headers go out, after the page rendered.
    /// </summary>
    /// <summary>
    /// Before reading an asynchronous projection: waits a moment for it to hold what was recorded before this request, and
    /// returns the sentence that says how far behind it still is, or null when it is current.
    /// </summary>
    protected async Task<string?> BehindAsync(Npgsql.NpgsqlDataSource db, string projection, string what) =>
        Database.Freshness.Describe(await Database.Freshness.StandingAsync(db, projection, default), what,
            Http!.RequestServices.GetRequiredService<IClock>().GetCurrentInstant());

    /// <summary>Whether the signed-in person may record for these groups: the pages show write actions only then.</summary>
    protected bool MayWrite(params string[] groupIds) =>
        Http?.User.Identity?.IsAuthenticated == true && Access.Permissions.WhyNotWrite(Http.User, groupIds) is null;

    /// <summary>
    /// Pages that record need a signed-in person: anyone else is sent to the sign-in page, which brings them back here.
    /// True when the page was left for it.
    /// </summary>
    protected bool SentToSignIn()
    {
        if (Http!.User.Identity?.IsAuthenticated == true) return false;
        Http.RequestServices.GetRequiredService<NavigationManager>()
            .NavigateTo($"/web/sign-in?returnUrl={Uri.EscapeDataString(Http.Request.Path + Http.Request.QueryString)}");
        return true;
    }

    /// <summary>Text a person pasted into <paramref name="field"/>, or the file they chose instead (read as UTF-8).</summary>
    protected static async Task<string> PastedOrChosenAsync(IFormCollection form, string field, CancellationToken ct)
    {
        if (form.Files.GetFile("file") is not { Length: > 0 } file) return form[field].ToString();
        using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    protected bool IsAdmin => Http is not null && Access.ApiKeyAuthentication.RoleOf(Http.User) == MembershipLedger.Access.AccessRole.Admin;

    protected void Status(int code)
    {
        if (Http is not null) Http.Items[StatusKey] = code;
    }

    private const string StatusKey = "ledger.web-status";

    /// <summary>Whether a path is one of the pages' (the root and everything under <c>/web</c>).</summary>
    public static bool IsPage(string? path) => path is "/" or "/web" || path?.StartsWith("/web/", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Applies a page's <see cref="Status"/> when the response starts. A page takes GET, HEAD and the POST of its forms;
    /// anything else, or a POST that is not a form of the page, is answered as problem details here (Blazor would refuse
    /// it with a plain-text 400).
    /// </summary>
    public static IApplicationBuilder UsePageStatus(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (IsPage(http.Request.Path.Value) && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && await RefusedPostAsync(http) is { } refused)
        {
            await refused.ExecuteAsync(http);
            return;
        }
        http.Response.OnStarting(() =>
        {
            if (http.Items.TryGetValue(StatusKey, out var code) && code is int status) http.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        await next(http);
    });

    private static async Task<IResult?> RefusedPostAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "GET, HEAD, POST";
            return TypedResults.Problem("The web pages take GET, and POST from their own forms; use the JSON API for anything else.",
                statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed");
        }
        if (!http.Request.HasFormContentType)
            return TypedResults.Problem("A page takes the POST of its own forms (application/x-www-form-urlencoded or multipart/form-data); send JSON to the API.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a form", extensions: new Dictionary<string, object?> { ["field"] = "Content-Type" });
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return TypedResults.Problem($"The form could not be read: {e.Message}", statusCode: StatusCodes.Status400BadRequest,
                title: "Unreadable form", extensions: new Dictionary<string, object?> { ["field"] = "body" });
        }
        return form.ContainsKey(FormHandler) ? null
            : Problems.Invalid(FormHandler, "names the form of the page that was sent; open the page and use its form.");
    }

    /// <summary>The field a page's form sends to say which of its forms it is (Blazor's form name).</summary>
    private const string FormHandler = "_handler";

    /// <summary>
    /// A form sent without the antiforgery token the page gave it (from another site, or a page older than the session) is
    /// refused as problem details naming the token, before any form handler runs: nothing is recorded.
    /// </summary>
    public static void RefuseForgedForms(IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            await Problems.Invalid("__RequestVerificationToken",
                "is missing or does not match this browser's session: open the form again and resend it.").ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>The group named in the address, or null with the page's status set to 404 (render <c>UnknownGroup</c>).</summary>
    protected async Task<GroupProfile?> GroupOrNotFoundAsync(IQuerySession session, string groupId)
    {
        var group = await GroupProfiles.LoadAsync(session, groupId, Http?.RequestAborted ?? default);
        if (group is null) Status(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>A date from the query string; a message naming the field when it is not one.</summary>
    protected static (NodaTime.LocalDate? Date, string? Problem) ReadDate(string? text, string label)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        return Moments.TryParseDate(text.Trim(), out var date)
            ? (date, null)
            : (null, $"{label}: '{text}' is not a date on the calendar. Write it as year-month-day, e.g. 2022-12-09 {Moments.Span}.");
    }
}
