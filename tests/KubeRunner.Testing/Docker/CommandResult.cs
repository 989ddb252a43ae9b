namespace KubeRunner.Testing.Docker;

/// <summary>How a command (a host tool or a container's main process) ended, and what it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Exit code and both streams, for assertion messages.</summary>
    public string Describe() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
