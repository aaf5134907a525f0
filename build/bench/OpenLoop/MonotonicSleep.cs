using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Bench.OpenLoop;

/// <summary>
/// Sleeps until a <see cref="Stopwatch"/> timestamp with the kernel's high-resolution timer. On Linux the
/// stopwatch reads CLOCK_MONOTONIC in nanoseconds, so a timestamp is directly an absolute clock_nanosleep deadline.
/// Spinning or yielding instead would take the core from the backend that shares it; .NET's own sleeps and timers
/// have millisecond granularity, too coarse for sends 90 µs apart.
/// </summary>
internal static partial class MonotonicSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const int SetTimerSlack = 29;

    /// <summary>Whether timestamps are CLOCK_MONOTONIC nanoseconds (Linux); otherwise <see cref="Until"/> falls back to yielding.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Asks the kernel not to defer this thread's timer wake-ups by its default 50 µs slack.</summary>
    public static void ReduceTimerSlack()
    {
        if (IsPrecise)
        {
            _ = Prctl(SetTimerSlack, 1, 0, 0, 0);
        }
    }

    public static void Until(long timestamp)
    {
        if (!IsPrecise)
        {
            while (Stopwatch.GetTimestamp() < timestamp)
            {
                Thread.Yield();
            }

            return;
        }

        var deadline = new Timespec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
        while (ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, in deadline, IntPtr.Zero) != 0 && Stopwatch.GetTimestamp() < timestamp)
        {
            // Interrupted by a signal (EINTR): sleep again toward the same deadline.
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
