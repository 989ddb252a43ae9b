namespace KubeRunner.Executor.Processes;

/// <summary>Linux signal numbers used to stop steps (the same on x86_64 and arm64).</summary>
internal static class ProcessSignals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;
}
