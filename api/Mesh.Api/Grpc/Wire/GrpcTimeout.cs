using System.Globalization;

namespace Mesh.Api.Grpc;

/// <summary>
/// The <c>grpc-timeout</c> header: at most 8 ASCII digits followed by a unit (H hours, M minutes, S seconds,
/// m milliseconds, u microseconds, n nanoseconds).
/// </summary>
internal static class GrpcTimeout
{
    private const int MaxDigits = 8;
    private const long MaxValue = 99_999_999;

    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > MaxDigits + 1)
        {
            return false;
        }

        long amount = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        const long ticksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * ticksPerMicrosecond,
            'n' => amount / 100,
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>Formats <paramref name="timeout"/> in the finest unit whose value fits in 8 digits.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = timeout.Ticks;
        var micros = ticks / (TimeSpan.TicksPerMillisecond / 1000);
        if (micros == 0)
        {
            return Fits(ticks * 100, 'n');
        }

        if (micros <= MaxValue)
        {
            return Fits(micros, 'u');
        }

        // Round up so that the peer never sees a shorter deadline than the caller set.
        var millis = (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        if (millis <= MaxValue)
        {
            return Fits(millis, 'm');
        }

        var seconds = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        if (seconds <= MaxValue)
        {
            return Fits(seconds, 'S');
        }

        var minutes = (ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute;
        if (minutes <= MaxValue)
        {
            return Fits(minutes, 'M');
        }

        return Fits(Math.Min(MaxValue, (ticks + TimeSpan.TicksPerHour - 1) / TimeSpan.TicksPerHour), 'H');
    }

    private static string Fits(long amount, char unit) => amount.ToString(CultureInfo.InvariantCulture) + unit;
}
