using Google.Protobuf.WellKnownTypes;

namespace KubeRunner.Agent.Reporting;

/// <summary>A row that has its index but may still be masked by a multi-line secret whose end has not arrived.</summary>
internal sealed class PendingRow(string content, Timestamp time)
{
    public string Content { get; set; } = content;

    public Timestamp Time { get; } = time;
}
