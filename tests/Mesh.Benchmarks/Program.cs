using BenchmarkDotNet.Running;
using Mesh.Benchmarks.Informers;
using Mesh.Benchmarks.Injection;

namespace Mesh.Benchmarks;

public static class BenchmarkProgram
{
    /// <summary>BenchmarkDotNet's switcher, or a closed-loop harness named by the first argument.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is ["webhook-latency", .. var rest])
        {
            return await WebhookLatencyHarness.RunAsync(rest);
        }

        if (args is ["delta-cost", .. var deltaArgs])
        {
            return Compiler.DeltaCostHarness.Run(deltaArgs);
        }

        if (args is ["informer-memory", .. var podArgs])
        {
            return InformerMemoryHarness.Run(podArgs);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
