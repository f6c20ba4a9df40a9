using MembershipLedger.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace MembershipLedger.Tests.Docker;

/// <summary>No Docker engine runs here or in CI: the compose file is checked by parsing it.</summary>
public class Compose_file
{
    private static YamlMappingNode Root()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository.Path("docker", "compose.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];
    private static string Scalar(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    [Fact]
    public void The_compose_file_parses_and_runs_the_image_the_Dockerfile_builds_against_its_PostgreSQL()
    {
        var services = Map(Root(), "services");
        var ledger = Map(services, "ledger");
        var build = Map(ledger, "build");

        // The build names the Dockerfile of this folder, from the repository root, and tags the image the service runs.
        Assert.Equal("docker/Dockerfile", Scalar(build, "dockerfile"));
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(Repository.Path("docker"), Scalar(build, "context"), Scalar(build, "dockerfile")))));
        Assert.Equal("membershipledger:local", Scalar(ledger, "image"));
        var dockerfile = File.ReadAllText(Repository.Path("docker", "Dockerfile"));
        Assert.Contains("-t membershipledger:local", dockerfile);
        Assert.Contains("src/MembershipLedger.Api/MembershipLedger.Api.csproj", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"MembershipLedger.Api.dll\"]", dockerfile);

        // The ledger is given the compose PostgreSQL, so it never starts an embedded one in the container.
        var connection = Scalar(Map(ledger, "environment"), "ConnectionStrings__Ledger");
        Assert.Contains("Host=postgres", connection);
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("postgres")));
        Assert.StartsWith("postgres:", Scalar(Map(services, "postgres"), "image"));
        Assert.Equal("service_healthy", Scalar(Map(Map(ledger, "depends_on"), "postgres"), "condition"));
        // A second node of the same image on the same database.
        var second = Map(services, "ledger-2");
        Assert.Equal("membershipledger:local", Scalar(second, "image"));
        Assert.Equal(connection, Scalar(Map(second, "environment"), "ConnectionStrings__Ledger"));
        Assert.Contains("8080", dockerfile);
    }
}
