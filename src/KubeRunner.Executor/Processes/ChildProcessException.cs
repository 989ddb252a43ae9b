namespace KubeRunner.Executor.Processes;

/// <summary>A step's process could not be started or signalled; the message is one line fit for the job log.</summary>
internal sealed class ChildProcessException : Exception
{
    public ChildProcessException()
    {
    }

    public ChildProcessException(string message)
        : base(message)
    {
    }

    public ChildProcessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
