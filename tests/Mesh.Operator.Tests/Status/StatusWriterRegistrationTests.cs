using Mesh.Kubernetes.LeaderElection;
using Mesh.Operator.Hosting;
using Mesh.Operator.Reconcile;
using Mesh.Operator.StatusWriting;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.StatusWriting;

public sealed class StatusWriterRegistrationTests
{
    [Fact]
    public async Task LocalMode_HasNoStatusWriterAndNoLeaderElection()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-dir-mode-");
        try
        {
            await using var app = OperatorHost.Build(new OperatorOptions { Source = "dir:" + directory.FullName, GrpcPort = 0, HttpPort = 0, LogLevel = "Warning" });

            Assert.DoesNotContain(app.Services.GetServices<IReconcileResultSink>(), sink => sink is StatusWriter);
            Assert.Null(app.Services.GetService<ILeaderElector>());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task KubeMode_RegistersTheStatusWriterAsAResultSink()
    {
        await using var app = OperatorHost.Build(
            new OperatorOptions { Source = "kube", GrpcPort = 0, HttpPort = 0, ListenAddress = "127.0.0.1", LogLevel = "Warning" },
            services => services.AddSingleton(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }));

        Assert.Contains(app.Services.GetServices<IReconcileResultSink>(), sink => sink is StatusWriter);
        Assert.NotNull(app.Services.GetService<ILeaderElector>());
    }
}
