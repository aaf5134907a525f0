namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// The Dockerfiles' structure (no Docker engine here to build them): the SDK only in the build stage, a non-root
/// USER in the final stage, and the images the chart and the injection template expect.
/// </summary>
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("Dockerfile.operator", "mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", "65532:65532")]
    [InlineData("Dockerfile.proxy", "mcr.microsoft.com/dotnet/sdk:10.0-noble-aot", "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble", "1337:1337")]
    public void The_sdk_is_only_in_the_build_stage_and_the_final_stage_runs_as_the_expected_non_root_user(string file, string sdk, string finalBase, string user)
    {
        var stages = Stages(file);

        Assert.True(stages.Count >= 2, $"{file} is multi-stage");
        Assert.StartsWith($"FROM {sdk} AS build", stages[0][0], StringComparison.Ordinal);
        var final = stages[^1];
        Assert.Equal($"FROM {finalBase} AS final", final[0]);
        Assert.DoesNotContain(stages.Skip(1).SelectMany(s => s), line => line.Contains("dotnet/sdk", StringComparison.Ordinal));
        Assert.Equal($"USER {user}", final.Last(line => line.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.Contains(final, line => line.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        Assert.Contains(final, line => line.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_proxy_image_carries_iptables_for_mesh_init_and_the_native_mesh_proxy_on_the_path()
    {
        var stages = Stages("Dockerfile.proxy");
        var final = string.Join('\n', stages[^1]);

        Assert.Contains(stages[0], line => line.StartsWith("RUN dotnet publish proxy/Mesh.Proxy/Mesh.Proxy.csproj -c Release --use-current-runtime", StringComparison.Ordinal));
        Assert.Contains("COPY --from=build /publish/mesh-proxy ./", final, StringComparison.Ordinal);

        Assert.Contains("apt-get install -y --no-install-recommends iptables", final, StringComparison.Ordinal);
        Assert.Contains("ENV PATH=\"/app:${PATH}\"", final, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"mesh-proxy\"]", final, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dockerignore_keeps_build_output_and_tests_out_of_the_context()
    {
        var lines = File.ReadAllLines(TestPaths.InRepository(".dockerignore"));

        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
        Assert.Contains("tests/", lines);
    }

    /// <summary>The instructions of each stage, continuation lines joined and comments dropped.</summary>
    private static List<List<string>> Stages(string file)
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(TestPaths.InRepository(file)))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            current = current.Length == 0 ? line : $"{current} {line}";
            if (!current.EndsWith('\\'))
            {
                instructions.Add(current);
                current = "";
            }
            else
            {
                current = current[..^1].TrimEnd();
            }
        }

        var stages = new List<List<string>>();
        foreach (var instruction in instructions.Where(i => i.Length > 0))
        {
            if (instruction.StartsWith("FROM ", StringComparison.Ordinal))
            {
                stages.Add([]);
            }

            stages[^1].Add(instruction);
        }

        return stages;
    }
}
