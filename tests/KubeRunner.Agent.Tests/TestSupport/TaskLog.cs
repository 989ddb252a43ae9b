using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>Reading a finished task's log as the forge stored it.</summary>
internal static class TaskLog
{
    public static List<string> Rows(this FakeTask task) => [.. task.LogRows.Select(r => r.Content)];

    /// <summary>The whole log, for assertion messages.</summary>
    public static string Text(this FakeTask task) => string.Join("\n", task.LogRows.Select(r => r.Content));

    /// <summary>The rows inside a step's range (its LogIndex and LogLength).</summary>
    public static List<string> StepRows(this FakeTask task, int step)
    {
        var s = task.Steps[step];
        return [.. task.LogRows.Skip((int)s.LogIndex).Take((int)s.LogLength).Select(r => r.Content)];
    }
}
