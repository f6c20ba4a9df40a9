namespace MembershipLedger.Tests.Infrastructure;

/// <summary>Files of the checkout the tests read: the event catalogue, the samples, docker/.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MembershipLedger.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No MembershipLedger.sln above {AppContext.BaseDirectory}.");
    }
}
