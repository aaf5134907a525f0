namespace Mesh.Api.Grpc;

/// <summary>Reads a stream of messages; <see cref="MoveNext"/> returns false at the end of the stream.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    Task<bool> MoveNext(CancellationToken cancellationToken);
}

/// <summary>Writes a stream of messages. Writes must not overlap: await each before the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The response stream of a server-streaming or duplex method, seen from the server.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}

/// <summary>The request stream of a client-streaming or duplex call, seen from the client.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Half-closes the call: tells the server no more requests follow.</summary>
    Task CompleteAsync();
}
