namespace KubeRunner.Agent.Cli;

/// <summary>Exit codes of <c>kube-runner</c>; the README lists them for operators and scripts.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected failure inside kube-runner (a bug): the only case that prints a stack trace.</summary>
    public const int InternalError = 1;

    /// <summary><c>exec</c>: a job of the workflow failed or was cancelled (the same code as a failing CI step).</summary>
    public const int JobFailed = 1;

    /// <summary>The command line is wrong: unknown option, missing value, bad label or URL.</summary>
    public const int Usage = 2;

    /// <summary>config.yaml, the env file or .runner is missing, unreadable or invalid.</summary>
    public const int Configuration = 3;

    /// <summary>The forge answered with a refusal: wrong registration token, unknown runner, not a Forgejo.</summary>
    public const int ForgeRejected = 4;

    /// <summary>The forge could not be reached within the allowed time.</summary>
    public const int ForgeUnreachable = 5;

    /// <summary>
    /// <c>drain</c>, <c>status</c>: no agent answers on the config's http.listen, or it answered with an
    /// error other than a refused secret (that is <see cref="Configuration"/>).
    /// </summary>
    public const int AgentUnavailable = 6;

    /// <summary><c>drain --wait</c>: jobs still ran when <c>--timeout</c> ran out (the runner stays drained).</summary>
    public const int DrainTimedOut = 7;

    /// <summary>Interrupted (Ctrl-C) before the command finished; 128 + SIGINT as shells report it.</summary>
    public const int Interrupted = 130;
}
