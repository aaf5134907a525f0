using k8s.Exceptions;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Config;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Config;

/// <summary>Kubeconfigs as cloud CLIs write them, loaded by <see cref="KubeConfig"/> and used against the fake API server.</summary>
public sealed class KubeConfigTests : IDisposable
{
    private readonly CancellationToken _ct = TestTimeout.Token();
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AnExecCredentialPlugin_SuppliesTheBearerTokenOfEveryRequest()
    {
        await using var server = await FakeApiServer.StartAsync([Widget.Type]);
        server.RequiredToken = "token-from-exec-plugin";
        var plugin = ExecPlugin("token-from-exec-plugin");
        var path = Write("config", $"""
            apiVersion: v1
            kind: Config
            current-context: eks
            clusters:
            - name: c
              cluster: {"{"} server: "{server.Url}" {"}"}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: {plugin}
                  args: ["token", "--cluster", "c"]
                  interactiveMode: Never
            contexts:
            - name: eks
              context: {"{"} cluster: c, user: u, namespace: team-a {"}"}
            """);

        using var client = KubernetesClientFactory.Create(KubeConfig.Load(path));
        await client.CreateWidgetAsync(Widget.Create("team-a", "w1", "red"), _ct);
        var widgets = await client.ListWidgetsAsync(client.DefaultNamespace, null, _ct);

        Assert.Equal("team-a", client.DefaultNamespace);
        Assert.Equal("w1", Assert.Single(widgets.Items).Metadata.Name);
        Assert.All(server.Requests, r => Assert.Equal("Bearer token-from-exec-plugin", r.Authorization));
    }

    [Fact]
    public async Task AWrongExecToken_IsRefusedByTheServer()
    {
        await using var server = await FakeApiServer.StartAsync([Widget.Type]);
        server.RequiredToken = "expected";
        var path = Write("config", ExecKubeconfig(server.Url, ExecPlugin("something-else")));

        using var client = KubernetesClientFactory.Create(KubeConfig.Load(path), new KubernetesClientOptions { MaxRetries = 0 });
        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.ListWidgetsAsync(null, null, _ct));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Code);
    }

    [Fact]
    public void AnExplicitContext_SelectsItsClusterAndNamespace()
    {
        var path = Write("config", """
            current-context: a
            clusters:
            - { name: ca, cluster: { server: "https://a:6443" } }
            - { name: cb, cluster: { server: "https://b:6443", insecure-skip-tls-verify: true } }
            users:
            - { name: u, user: { token: t } }
            contexts:
            - { name: a, context: { cluster: ca, user: u } }
            - { name: b, context: { cluster: cb, user: u, namespace: nb } }
            """);

        var config = KubeConfig.Load(path, context: "b");

        Assert.Equal("https://b:6443", config.Host.TrimEnd('/'));
        Assert.True(config.SkipTlsVerify);
        Assert.Equal("nb", config.Namespace);
        Assert.Equal("t", config.AccessToken);
    }

    [Fact]
    public void AnUnknownContext_FailsWithAKubeConfigException()
    {
        var path = Write("config", "current-context: a\ncontexts:\n- { name: a, context: { cluster: c } }\nclusters:\n- { name: c, cluster: { server: 'https://c' } }\n");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, context: "nope"));
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralFiles_MergeWithTheFirstDefinitionWinning()
    {
        var first = Write("first", """
            current-context: shared
            users:
            - { name: u, user: { token: from-first } }
            """);
        var second = Write("second", """
            current-context: ignored
            clusters:
            - { name: c, cluster: { server: "https://c:6443" } }
            users:
            - { name: u, user: { token: from-second } }
            contexts:
            - { name: shared, context: { cluster: c, user: u } }
            """);

        var merged = KubeConfig.Merge([first, Path.Combine(_directory, "missing"), second]);
        var config = k8s.KubernetesClientConfiguration.BuildConfigFromConfigObject(merged);

        Assert.Equal("from-first", config.AccessToken);
        Assert.Equal("https://c:6443", config.Host.TrimEnd('/'));
    }

    [Fact]
    public void NoKubeconfigAtAll_FailsWithTheSearchedPaths()
    {
        var missing = Path.Combine(_directory, "missing");
        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Merge([missing]));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    private static string ExecKubeconfig(Uri server, string plugin) => $"""
        current-context: x
        clusters:
        - name: c
          cluster: {"{"} server: "{server}" {"}"}
        users:
        - name: u
          user:
            exec: {"{"} apiVersion: client.authentication.k8s.io/v1beta1, command: {plugin} {"}"}
        contexts:
        - name: x
          context: {"{"} cluster: c, user: u {"}"}
        """;

    /// <summary>A credential plugin like <c>aws eks get-token</c>: prints an ExecCredential with a token.</summary>
    private string ExecPlugin(string token)
    {
        var path = Write($"plugin-{Guid.NewGuid():N}.sh", $$$"""
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{token}}}"}}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
