using System.Collections.Concurrent;
using Mesh.Kubernetes.Queue;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests.Queue;

public sealed class WorkQueueTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task PendingKeys_AreDeduplicated_AndHandedOutInOrder()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal(("a", false), await queue.GetAsync(_ct));
        Assert.Equal(("b", false), await queue.GetAsync(_ct));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AKeyBeingProcessed_IsNotHandedOutAgain_UntilDone_ThenIsProcessedAgain()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        queue.Add("a");
        var (key, _) = await queue.GetAsync(_ct);

        queue.Add("a");
        queue.Add("a");
        Assert.Equal(0, queue.Count);
        var second = queue.GetAsync(_ct).AsTask();
        Assert.False(second.IsCompleted);

        queue.Done(key);
        Assert.Equal(("a", false), await second.WaitAsync(_ct));
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AWaitingWorker_GetsAKeyAddedLater()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        var waiting = queue.GetAsync(_ct).AsTask();
        Assert.False(waiting.IsCompleted);
        queue.Add("x");
        Assert.Equal(("x", false), await waiting.WaitAsync(_ct));
    }

    [Fact]
    public async Task AddAfter_QueuesWhenTheClockReachesTheDelay_AndTheEarlierOfTwoDelaysWins()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("b", TimeSpan.FromSeconds(10));
        queue.AddAfter("b", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));

        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(0, queue.Count);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(("b", false), await queue.GetAsync(_ct));
        queue.Done("b");
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(("a", false), await queue.GetAsync(_ct));
        queue.Done("a");
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void PerKeyBackoff_DoublesFrom5ms_UpTo1000s_AndForgetResetsIt()
    {
        var limiter = new WorkQueueRateLimiter<string>(new WorkQueueOptions { Burst = int.MaxValue }, _clock);
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), limiter.When("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));
        Assert.Equal(3, limiter.NumRequeues("a"));
        for (var i = 0; i < 100; i++)
        {
            limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));
        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public void TokenBucket_AllowsABurstOf100_Then10PerSecond()
    {
        var limiter = new WorkQueueRateLimiter<int>(new WorkQueueOptions(), _clock);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When(i));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.When(100));
        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.When(101));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When(102));
    }

    [Fact]
    public async Task AddRateLimited_DelaysTheKeyByItsBackoffOnTheClock()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        Assert.Equal(2, queue.NumRequeues("a"));
        Assert.Equal([TimeSpan.FromMilliseconds(5)], _clock.PendingDelays);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(("a", false), await queue.GetAsync(_ct));
        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task ShutDown_WakesIdleWorkers_HandsOutQueuedKeys_AndIgnoresNewOnes()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        var idle = queue.GetAsync(_ct).AsTask();
        queue.ShutDown();
        Assert.True((await idle.WaitAsync(_ct)).ShutDown);

        using var second = WorkQueueFactory.Create<string>(timeProvider: _clock);
        second.Add("queued");
        second.AddAfter("delayed", TimeSpan.FromSeconds(1));
        second.ShutDown();
        second.Add("late");
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(("queued", false), await second.GetAsync(_ct));
        Assert.True((await second.GetAsync(_ct)).ShutDown);
        Assert.True(second.IsShuttingDown);
    }

    [Fact]
    public async Task ShutDownWithDrain_WaitsForKeysInFlight()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        queue.Add("a");
        var (key, _) = await queue.GetAsync(_ct);
        var drain = queue.ShutDownWithDrainAsync(_ct);
        Assert.False(drain.IsCompleted);
        queue.Done(key);
        await drain.WaitAsync(_ct);
    }

    [Fact]
    public async Task ACancelledGet_LosesNoKey()
    {
        using var queue = WorkQueueFactory.Create<string>(timeProvider: _clock);
        using var cts = new CancellationTokenSource();
        var get = queue.GetAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);

        queue.Add("a");
        Assert.Equal(("a", false), await queue.GetAsync(_ct));
    }

    [Fact]
    public async Task ConcurrentWorkers_NeverShareAKey_AndProcessEveryKeyAfterItsLastAdd()
    {
        // 4 workers, 4 producers adding 2,000 times over 10 keys.
        using var queue = WorkQueueFactory.Create<int>();
        var clock = 0L;
        var lastAdded = new ConcurrentDictionary<int, long>();
        var lastStarted = new ConcurrentDictionary<int, long>();
        var inFlight = new ConcurrentDictionary<int, bool>();
        var overlaps = 0;

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (key, shutDown) = await queue.GetAsync(_ct);
                if (shutDown)
                {
                    return;
                }

                if (!inFlight.TryAdd(key, true))
                {
                    Interlocked.Increment(ref overlaps);
                }

                lastStarted[key] = Interlocked.Increment(ref clock);
                await Task.Yield();
                inFlight.TryRemove(key, out var _);
                queue.Done(key);
            }
        })).ToArray();

        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            var random = new Random(p);
            for (var i = 0; i < 500; i++)
            {
                var key = random.Next(10);
                lastAdded.AddOrUpdate(key, _ => Interlocked.Increment(ref clock), (_, _) => Interlocked.Increment(ref clock));
                queue.Add(key);
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(_ct);
        await queue.ShutDownWithDrainAsync(_ct);
        await Task.WhenAll(workers).WaitAsync(_ct);

        Assert.Equal(0, overlaps);
        Assert.All(lastAdded, added => Assert.True(lastStarted[added.Key] > added.Value, $"key {added.Key} was added after its last processing"));
    }
}
