namespace KubeRunner.Executor;

/// <summary>
/// The executor's exit status (documented in the README). The job's result travels over the
/// protocol; the status tells a backend why the process ended, for the cases where the agent never
/// heard the result.
/// </summary>
internal static class ExecutorExitCodes
{
    /// <summary>The job ran and the agent acknowledged everything, whatever the job's result.</summary>
    public const int Success = 0;

    /// <summary>Bad command line or environment (no agent address, no token).</summary>
    public const int Usage = 64;

    /// <summary>The agent refused the token: this executor has no task to run.</summary>
    public const int Refused = 77;

    /// <summary>The agent stayed unreachable for longer than the retry window; events were lost.</summary>
    public const int AgentLost = 69;

    /// <summary>An unexpected failure inside the executor.</summary>
    public const int Internal = 70;
}
