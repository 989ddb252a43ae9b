using System.Globalization;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>Words for the exit code of a job container whose executor (its PID 1) ended without a result.</summary>
internal static class ExecutorExit
{
    /// <summary>E.g. <c>exit code 137: killed by SIGKILL</c>; a code above 128 is 128 plus the signal that ended the process.</summary>
    public static string Describe(int code)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"exit code {code}");
        if (code is <= 128 or > 128 + 64)
        {
            return text;
        }

        var signal = code - 128;
        return signal switch
        {
            // SIGKILL cannot be caught: someone killed the container's main process, or the kernel did for lack of memory.
            9 => $"{text}: killed by SIGKILL",
            _ => string.Create(CultureInfo.InvariantCulture, $"{text}: ended by signal {signal}{Name(signal)}"),
        };
    }

    private static string Name(int signal) => signal switch
    {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        6 => " (SIGABRT)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    };
}
