namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
internal static class Eventually
{
    public static async Task AssertAsync(Func<bool> condition, TimeSpan timeout, string because)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (!condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                Assert.Fail($"Not true within {timeout.TotalSeconds:0.#} s: {because}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    /// <summary>Awaits <paramref name="task"/> but fails the test instead of hanging when it takes too long.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not complete within {timeout.TotalSeconds:0.#} s.");
            throw;
        }
    }

    public static async Task WithTimeout(this Task task, TimeSpan timeout, string what)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not complete within {timeout.TotalSeconds:0.#} s.");
            throw;
        }
    }
}
