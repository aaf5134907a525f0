using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.Operator.Tests.ConfigServer.Admission;

/// <summary>
/// What thousands of idle config streams cost the real operator process, and that it gives the memory back once
/// they are gone (issue 17: 5,000 never-reading streams took 1.3 GB that stayed taken). It runs alone: the RSS of a
/// process on a machine busy with the other tests' thousands of sockets is not what this measures.
/// </summary>
[Collection(StreamMemoryCollection.Name)]
public sealed partial class StreamMemoryTests(ITestOutputHelper output)
{
    // 2,000 streams, each on its own connection as every sidecar's is, each sending its Node and never reading: every
    // one is pushed the bookinfo config, which waits in its flow-control window. (The knobs measure other shapes,
    // e.g. MESH_TEST_STREAMS_PER_CONNECTION=20, or another build with MESH_TEST_OPERATOR.)
    private static readonly int Streams = Knob("MESH_TEST_STREAMS", 2000);
    private static readonly int StreamsPerConnection = Knob("MESH_TEST_STREAMS_PER_CONNECTION", 1);

    // After the streams close, resident memory must come back to within 25% of what they added (plus 16 MiB for
    // what the first use of a code path keeps: JIT code, pools sized once).
    private const double Tolerance = 0.25;
    private const double SlackMiB = 16;

    [Fact]
    public async Task Thousands_of_idle_streams_cost_little_and_their_memory_is_returned_when_they_close()
    {
        await using var op = await OperatorProcess.StartAsync(RepositoryPaths.Combine("examples", "bookinfo"));
        using var http = new HttpClient { BaseAddress = op.HttpAddress };
        var token = op.BootstrapToken;

        // A first round warms what any use of the stream allocates once (JIT, pools, the compiled config).
        await using (var warmup = await IdleStreams.OpenAsync(op.GrpcAddress, token, 100, StreamsPerConnection))
        {
            await ConnectedAsync(http, 100);
        }

        await ConnectedAsync(http, 0);
        var baseline = await SettledResidentMiBAsync(op);

        double loaded;
        await using (var streams = await IdleStreams.OpenAsync(op.GrpcAddress, token, Streams, StreamsPerConnection))
        {
            await ConnectedAsync(http, Streams);
            loaded = op.ResidentMiB();
        }

        await ConnectedAsync(http, 0);
        var grown = loaded - baseline;
        var allowed = baseline + SlackMiB + (grown * Tolerance);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Streams} streams, {StreamsPerConnection} per connection: RSS {baseline:F0} MiB before, {loaded:F0} MiB with them ({grown * 1024 / Streams:F1} KiB per stream), allowed after {allowed:F0} MiB"));

        var after = 0.0;
        try
        {
            await Eventually.AssertAsync(
                () => (after = op.ResidentMiB()) <= allowed,
                $"the operator's RSS returns to at most {allowed:F0} MiB after the streams close",
                TimeSpan.FromSeconds(60));
        }
        finally
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RSS after they closed: {after:F0} MiB"));
            output.WriteLine(string.Join(" | ", (await http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("dotnet_", StringComparison.Ordinal) || l.StartsWith("process_", StringComparison.Ordinal))));
        }
    }

    private static async Task<double> SettledResidentMiBAsync(OperatorProcess op)
    {
        // Give the operator's own after-disconnect trimming its moment: the lowest of a few readings.
        var lowest = double.MaxValue;
        for (var i = 0; i < 10; i++)
        {
            lowest = Math.Min(lowest, op.ResidentMiB());
            await Task.Delay(200);
        }

        return lowest;
    }

    private static Task ConnectedAsync(HttpClient http, int expected) => Eventually.AssertAsync(
        async () => ConnectedProxies().Match(await http.GetStringAsync("/metrics")) is { Success: true } match
            && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) == expected,
        $"the operator counts {expected} connected proxies",
        TimeSpan.FromSeconds(120));

    private static int Knob(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [GeneratedRegex(@"^mesh_connected_proxies (\d+)", RegexOptions.Multiline)]
    private static partial Regex ConnectedProxies();

    /// <summary>Streams that send their Node and then never read, over channels of a few streams each.</summary>
    private sealed class IdleStreams : IAsyncDisposable
    {
        private readonly List<GrpcChannel> _channels = [];
        private readonly List<AsyncDuplexStreamingCall<ConfigRequest, ConfigResponse>> _calls = [];

        public static async Task<IdleStreams> OpenAsync(Uri address, string token, int count, int perConnection)
        {
            var streams = new IdleStreams();
            var credentials = StreamCredentials.Bootstrap(token);
            for (var i = 0; i < count; i++)
            {
                if (i % perConnection == 0)
                {
                    streams._channels.Add(GrpcChannel.ForAddress(address, new GrpcChannelOptions
                    {
                        // Disposing the channel then closes its connection, as a proxy going away does.
                        DisposeHttpClient = true,
                        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
                    }));
                }

                var call = new ConfigDiscovery.ConfigDiscoveryClient(streams._channels[^1]).StreamConfig(credentials);
                streams._calls.Add(call);
                await call.RequestStream.WriteAsync(new ConfigRequest
                {
                    Node = new Node { Id = $"default/idle-{i}", Namespace = "default", Labels = { ["app"] = "productpage" } },
                });
            }

            return streams;
        }

        public ValueTask DisposeAsync()
        {
            foreach (var call in _calls)
            {
                call.Dispose();
            }

            foreach (var channel in _channels)
            {
                channel.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Keeps <see cref="StreamMemoryTests"/> from running beside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamMemoryCollection
{
    public const string Name = "stream memory (runs alone)";
}
