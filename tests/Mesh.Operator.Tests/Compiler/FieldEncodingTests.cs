using System.Security.Cryptography;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>The clusters are encoded once per compile; their content hash comes from that encoding.</summary>
public sealed class FieldEncodingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Encodes_the_repeated_field_and_hashes_the_length_delimited_messages(int count)
    {
        // A large endpoint list makes one message's length take more than one varint byte.
        var clusters = Enumerable.Range(0, count).Select(Cluster).ToList();

        var field = FieldEncoding.EncodeAll(ProxyConfig.ClustersFieldNumber, clusters, out var hash);

        var config = new ProxyConfig();
        config.Clusters.AddRange(clusters);
        Assert.Equal(config.ToByteArray(), field);
        Assert.Equal(LengthDelimitedHash(clusters), hash);
    }

    // The definition the versions were made with: each message with its length, one after the other.
    private static byte[] LengthDelimitedHash(IEnumerable<IMessage> messages)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            foreach (var message in messages)
            {
                output.WriteMessage(message);
            }
        }

        return SHA256.HashData(stream.ToArray());
    }

    private static Cluster Cluster(int index)
    {
        var cluster = new Cluster { Name = $"outbound|80||svc-{index}.ns.svc.cluster.local", Port = 80 };
        for (var i = 0; i < index * 20; i++)
        {
            var endpoint = new Endpoint { Address = $"10.0.{index}.{i}", Port = 8080, Weight = 1 };
            endpoint.Labels.Add("app", $"svc-{index}");
            cluster.Endpoints.Add(endpoint);
        }

        return cluster;
    }
}
