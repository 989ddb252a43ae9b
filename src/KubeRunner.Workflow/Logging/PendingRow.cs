namespace KubeRunner.Workflow.Logging;

/// <summary>A row that has its index but may still be masked by a multi-line secret whose end has not arrived.</summary>
public sealed class PendingRow(string content, DateTimeOffset time)
{
    public string Content { get; set; } = content;

    public DateTimeOffset Time { get; } = time;
}
