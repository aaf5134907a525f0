namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Whether the config server is worth connecting to, for <c>grpc.health.v1.Health</c>: not before the first compile
/// is published (a proxy would get nothing), and not once the operator is draining (its streams are being ended).
/// </summary>
internal sealed class ServingState
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();

    public ServingState(Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStopping.Register(() => Move(draining: true));

    public bool Published { get; private set; }

    public bool Draining { get; private set; }

    public bool Serving => Published && !Draining;

    /// <summary>Completes at the next change of <see cref="Serving"/> or <see cref="Draining"/>.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Called by the publisher on every publication; only the first changes anything.</summary>
    public void MarkPublished()
    {
        if (!Published)
        {
            Move(draining: false);
        }
    }

    private void Move(bool draining)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (draining)
            {
                Draining = true;
            }
            else
            {
                Published = true;
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
