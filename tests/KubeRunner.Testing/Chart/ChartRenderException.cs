namespace KubeRunner.Testing.Chart;

/// <summary>chart-render refused the chart or the values; the message is its own.</summary>
public sealed class ChartRenderException : Exception
{
    public ChartRenderException(string message, int exitCode) : base(message) => ExitCode = exitCode;

    public ChartRenderException()
    {
    }

    public ChartRenderException(string message) : base(message)
    {
    }

    public ChartRenderException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int ExitCode { get; }
}
