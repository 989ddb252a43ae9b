using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>
/// The job of the agent-restart tests of every backend: a first step that prints, sleeps through the
/// restart and prints again, then a step of 200 rows; and the check that every row is on the forge
/// exactly once, in order, with each step's rows where the forge says they are.
/// </summary>
internal static class RestartJob
{
    public const string FirstRow = "first";

    /// <param name="sleepSeconds">How long the first step sleeps: long enough for the kill and the restart.</param>
    public static string Workflow(int sleepSeconds) => $$"""
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - name: before and during the restart
                run: |
                  echo first
                  sleep {{sleepSeconds}}
                  echo after the sleep
              - name: after the restart
                run: for i in $(seq 1 200); do echo "row $i"; done
        """;

    /// <param name="agentLog">The restarted agent's log, for the failure message.</param>
    public static void AssertEveryRowOnce(FakeTask task, string agentLog)
    {
        var rows = task.LogRows.Select(r => r.Content).ToList();
        Assert.True(task.Result == Result.Success, string.Join("\n", rows) + "\n--- agent:\n" + agentLog);
        var start = rows.IndexOf(FirstRow);
        string[] expected = [FirstRow, "after the sleep", .. Enumerable.Range(1, 200).Select(i => $"row {i}")];
        Assert.Equal(expected, rows.Skip(start).Take(expected.Length));
        Assert.Single(rows, r => r == FirstRow);
        Assert.Equal([Result.Success, Result.Success], task.Steps.Select(s => s.Result));
        Assert.Equal(200, task.Steps[1].LogLength);
        Assert.Equal("row 1", rows[(int)task.Steps[1].LogIndex]);
        Assert.Equal(start, task.Steps[0].LogIndex);
    }
}
