namespace Mesh.Proxy.Runtime;

/// <summary>
/// Turns on the runtime socket engine's inline completions: a socket operation's continuation runs on the epoll
/// thread that saw the event instead of being queued to the thread pool. The engine reads
/// <see cref="Variable"/> once, from the process environment, when the process registers its first socket, so
/// <see cref="Apply"/> must run before anything opens one (the command line calls it before building the host).
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets <see cref="Variable"/> to 1 when <paramref name="enabled"/>, unless the environment already sets it (either way): an explicit variable wins.</summary>
    /// <returns>Whether the engine will inline completions (the variable's value is 1).</returns>
    public static bool Apply(bool enabled) =>
        Apply(enabled, Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    internal static bool Apply(bool enabled, Func<string, string?> read, Action<string, string> write)
    {
        var current = read(Variable);
        if (current is null && enabled)
        {
            write(Variable, "1");
            return true;
        }

        return current == "1";
    }
}
