using Xunit;

namespace Mesh.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static Task AssertAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        AssertAsync(() => Task.FromResult(condition()), because, timeout);

    public static async Task AssertAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        while (!await condition())
        {
            if (cancellation.IsCancellationRequested)
            {
                Assert.Fail($"Not true within {limit.TotalSeconds:0.#} s: {because}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
        }
    }

    /// <summary>Awaits <paramref name="task"/> but fails the test instead of hanging when it takes too long.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not complete within {limit.TotalSeconds:0.#} s.");
            throw;
        }
    }

    public static async Task WithTimeout(this Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not complete within {limit.TotalSeconds:0.#} s.");
            throw;
        }
    }
}
