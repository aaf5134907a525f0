using System.Diagnostics;
using System.Globalization;
using Mesh.Operator.Compiler;

namespace Mesh.Benchmarks.Compiler;

/// <summary>
/// What a push costs the operator per proxy with deltas, on the compiler benchmarks' mesh (1,000 services, 2,000
/// proxies): compile twice (the second time with one VirtualService's weights changed), assemble every proxy's
/// config, describe it as resources, and diff each proxy's two configs. Closed loop, Stopwatch: run it with
/// <c>dotnet run -c Release --project tests/Mesh.Benchmarks -- delta-cost [ROUNDS]</c>.
/// </summary>
internal static class DeltaCostHarness
{
    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var snapshot = SyntheticMesh.Create(services: 1_000, namespaces: 100);
        var proxies = SyntheticMesh.Proxies(snapshot);
        var split = snapshot.VirtualServices[7].Spec.Http!.Last().Route!;

        CompiledMesh? previous = null;
        for (var round = 0; round < rounds; round++)
        {
            (split[0].Weight, split[1].Weight) = (80, 20);
            var before = MeshCompiler.Compile(snapshot, previous: previous);
            var beforeConfigs = proxies.Select(before.ConfigFor).ToList();
            (split[0].Weight, split[1].Weight) = (55, 45);
            var cpu = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();

            // As the reconciler does: the compile before this one is handed in for its unchanged hosts.
            var after = MeshCompiler.Compile(snapshot, previous: before);
            previous = after;
            var compile = clock.Elapsed;
            var afterConfigs = proxies.Select(after.ConfigFor).ToList();
            var assemble = clock.Elapsed - compile;
            var resources = afterConfigs.Select(c => c.Resources).ToList();
            var baseResources = beforeConfigs.Select(c => c.Resources).ToList();
            var describe = clock.Elapsed - compile - assemble;
            long bytes = 0;
            var deltas = 0;
            for (var i = 0; i < proxies.Count; i++)
            {
                if (resources[i].DeltaFrom(baseResources[i]) is { } delta)
                {
                    deltas++;
                    bytes += delta.Length + delta.DeltaField.Length;
                }
            }

            var diff = clock.Elapsed - compile - assemble - describe;
            var used = Environment.CpuUsage.TotalTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: process CPU {used.TotalMilliseconds:F0} ms for all of it; compile {compile.TotalMilliseconds:F0} ms, assemble {proxies.Count} configs {assemble.TotalMilliseconds:F0} ms, " +
                $"resources {describe.TotalMilliseconds:F0} ms, diff {diff.TotalMilliseconds:F0} ms ({diff.TotalMicroseconds / proxies.Count:F0} µs per proxy); " +
                $"{deltas} deltas, {bytes / Math.Max(1, deltas)} B each; whole config {afterConfigs[0].SerializedLength} B"));
        }

        return 0;
    }
}
