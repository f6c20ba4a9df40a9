namespace MembershipLedger.Api.Web;

/// <summary>The pages' stylesheet, embedded in the assembly (so no content root or static-file build step is needed).</summary>
public static class Stylesheet
{
    private static readonly byte[] Css = Read();

    private static byte[] Read()
    {
        using var stream = typeof(Stylesheet).Assembly.GetManifestResourceStream("ledger.css")
                           ?? throw new InvalidOperationException("The stylesheet is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static IResult Serve(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(Css, "text/css; charset=utf-8");
    }
}
