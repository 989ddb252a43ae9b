using System.Diagnostics;
using System.Globalization;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class CancelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kube-runner-cancel-").FullName;

    [Fact]
    public async Task Job_CancelledMidStep_KillsStepProcessesAndRunsCancelledAndAlwaysSteps()
    {
        await using var runner = await HostRunner.StartAsync();
        var pidFile = Path.Combine(_directory, "pids");

        var job = runner.Enqueue($$$"""
            on: push
            jobs:
              long:
                runs-on: linux
                steps:
                  - env:
                      PIDS: {{{pidFile}}}
                    run: |
                      sleep 300 & echo $! >> "$PIDS.part"
                      sleep 300 & echo $! >> "$PIDS.part"
                      echo $$ >> "$PIDS.part"
                      mv "$PIDS.part" "$PIDS"
                      echo "step is running"
                      wait
                  - run: echo "default ran"
                  - if: cancelled()
                    run: echo "cancelled ran ${{ job.status }}"
                  - if: always()
                    run: echo "always ran"
            """);
        var running = await runner.Forge.WaitForTaskAsync(
            t => t.JobId == job && t.LogRows.Any(r => r.Content == "step is running"), TestTimeouts.Scenario);
        var pids = File.ReadAllLines(pidFile).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.True(IsRunning(pid), $"process {pid} should run before the cancel"));

        runner.Forge.CancelTask(running.Id);
        var clock = Stopwatch.StartNew();
        while (pids.Any(IsRunning) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.False(pids.Any(IsRunning), $"still running 5 s after the cancel: {string.Join(' ', pids.Where(IsRunning))}");
        // The forge marks every unfinished step cancelled at once and ignores later step states; the
        // rows the runner sends afterwards still arrive, up to the final (archiving) log upload.
        var task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.LogArchived, TestTimeouts.Scenario);
        Assert.Equal(Result.Cancelled, task.Result);
        Assert.All(task.Steps, s => Assert.Equal(Result.Cancelled, s.Result));
        var rows = task.Rows();
        Assert.Contains("cancelled ran cancelled", rows);
        Assert.Contains("always ran", rows);
        Assert.True(rows.IndexOf("cancelled ran cancelled") < rows.IndexOf("always ran"), task.Text());
        Assert.DoesNotContain("default ran", rows);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Whether the process exists and is not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
