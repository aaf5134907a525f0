using System.Net;
using Mesh.Operator.Hosting;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Sources;

/// <summary>
/// <c>run --source kube --kubeconfig PATH --context NAME</c> with the kubeconfigs cloud CLIs write: the user is an exec
/// credential plugin (as <c>aws eks update-kubeconfig</c>, <c>gke-gcloud-auth-plugin</c> and <c>kubelogin</c> set up).
/// </summary>
public sealed class KubeconfigFlagTests : IDisposable
{
    private const string PluginToken = "k8s-aws-v1.token-the-plugin-printed";
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeconfig-flag-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AnExecCredentialPluginKubeconfig_AuthenticatesEveryRequestTheOperatorSends()
    {
        await using var kube = await FakeKube.StartAsync();
        kube.SeedOneOfEach();
        kube.Server.RequiredToken = PluginToken;
        var kubeconfig = WriteKubeconfig(kube.Server.Url, context: "eks");

        await using var op = await KubeOperator.StartWithKubeconfigAsync(kubeconfig, context: "eks");
        using var http = new HttpClient { BaseAddress = op.HttpAddress };

        await Eventually.AssertAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz turns 200 once synced with the plugin's token");
        Assert.NotEmpty(kube.Server.Requests);
        Assert.All(kube.Server.Requests, r => Assert.Equal($"Bearer {PluginToken}", r.Authorization));
    }

    [Fact]
    public void AnUnknownContext_IsAUsageErrorAtStart()
    {
        var kubeconfig = WriteKubeconfig(new Uri("http://127.0.0.1:1"), context: "eks");

        var error = Assert.Throws<ArgumentException>(() => OperatorHost.Build(
            new OperatorOptions { Source = "kube", Kubeconfig = kubeconfig, Context = "gke", GrpcPort = 0, HttpPort = 0, WebhookPort = 0 }));

        Assert.Contains("--context gke", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKubeconfigWithTheDirectorySource_IsAUsageError()
    {
        var error = Assert.Throws<ArgumentException>(() => OperatorHost.Build(
            new OperatorOptions { Source = $"dir:{_directory}", Kubeconfig = Path.Combine(_directory, "config") }));

        Assert.Contains("kube source only", error.Message, StringComparison.Ordinal);
    }

    private string WriteKubeconfig(Uri server, string context)
    {
        var plugin = Path.Combine(_directory, "get-token.sh");
        File.WriteAllText(plugin, $$$"""
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{PluginToken}}}"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: {context}
            clusters:
            - name: cluster
              cluster: {"{"} server: "{server}" {"}"}
            users:
            - name: plugin-user
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: {plugin}
                  args: ["eks", "get-token", "--cluster-name", "mesh"]
                  interactiveMode: Never
            contexts:
            - name: {context}
              context: {"{"} cluster: cluster, user: plugin-user {"}"}
            """);
        return path;
    }
}
