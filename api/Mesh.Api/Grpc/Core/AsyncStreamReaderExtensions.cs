using System.Runtime.CompilerServices;

namespace Mesh.Api.Grpc;

public static class AsyncStreamReaderExtensions
{
    /// <summary>Enumerates the remaining messages of <paramref name="reader"/>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
