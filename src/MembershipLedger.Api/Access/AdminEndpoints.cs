using MembershipLedger.Storage;

namespace MembershipLedger.Api.Access;

public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/verify", async (HttpContext http, IDocumentStore store) => TypedResults.Ok(await LedgerVerification.VerifyAsync(store, http.RequestAborted)))
            .RequireAuthorization(Policies.Admin)
            .WithTags("Admin").Produces<LedgerVerification>()
            .WithSummary("Recompute the event chain (intact, or the first event whose stored row was altered) and report the projections' state and dead letters (admin)");
    }
}
