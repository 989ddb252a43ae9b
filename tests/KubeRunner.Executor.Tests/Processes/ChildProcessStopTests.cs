using System.Diagnostics;
using System.Globalization;
using KubeRunner.Executor.Processes;
using static KubeRunner.Executor.Tests.Processes.ProcessTestSupport;

namespace KubeRunner.Executor.Tests.Processes;

public sealed class ChildProcessStopTests
{
    [Fact]
    public async Task StopAsync_ProcessTree_IsGoneAfterwards()
    {
        BecomeSubreaper();
        await using var process = ChildProcess.Start(Shell("sleep 1000 & echo $!; sleep 1000 & echo $!; wait"));
        await using var lines = new OutputLineReader(process.Output).ReadLinesAsync().GetAsyncEnumerator();
        var sleeps = new[] { ParsePid(await NextLineAsync(lines)), ParsePid(await NextLineAsync(lines)) };

        var exit = await process.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);

        Assert.Equal(128 + ProcessSignals.Terminate, exit);
        await WaitUntilAsync(() => !sleeps.Any(ProcessExists) && !ProcessExists(process.Id), "every process of the tree is gone");
        Assert.False(await lines.MoveNextAsync().AsTask().WaitAsync(Bound), "the output ends once the tree is gone");
    }

    [Fact]
    public async Task StopAsync_ProcessIgnoringTerm_IsKilledAfterTheGrace()
    {
        BecomeSubreaper();
        var grace = TimeSpan.FromSeconds(1);
        await using var process = ChildProcess.Start(Shell("trap '' TERM; sleep 1000 & echo $!; echo ready; wait"));
        await using var lines = new OutputLineReader(process.Output).ReadLinesAsync().GetAsyncEnumerator();
        var sleep = ParsePid(await NextLineAsync(lines));
        Assert.Equal("ready", await NextLineAsync(lines));

        var watch = Stopwatch.StartNew();
        var exit = await process.StopAsync(grace).WaitAsync(Bound);

        Assert.Equal(128 + ProcessSignals.Kill, exit);
        Assert.True(watch.Elapsed >= grace * 0.9, $"stopped after {watch.Elapsed}, before the grace");
        await WaitUntilAsync(() => !ProcessExists(sleep), "the sleep, which ignored TERM too, is gone");
    }

    [Fact]
    public async Task StopAsync_LeaderAlreadyExited_ReturnsItsStatus()
    {
        await using var process = ChildProcess.Start(Shell("exit 7"));
        await process.Exited.WaitAsync(Bound);

        Assert.Equal(7, await process.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound));
    }

    [Fact]
    public async Task Reaper_OrphanedGrandchild_IsReaped()
    {
        BecomeSubreaper();
        await using var process = ChildProcess.Start(Shell("sleep 1000 >/dev/null 2>&1 & echo $!"));
        var lines = await ReadAllLinesAsync(process.Output).WaitAsync(Bound);
        var orphan = ParsePid(Assert.Single(lines));
        Assert.Equal(0, await process.Exited.WaitAsync(Bound));

        // The orphan is now a child of this process, which nobody but the reaper waits for.
        await WaitUntilAsync(() => ParentOf(orphan) == System.Environment.ProcessId, "the orphan is adopted");
        process.SignalGroup(ProcessSignals.Kill);

        await WaitUntilAsync(() => !ProcessExists(orphan), "the orphan's zombie is reaped");
    }

    [Fact]
    public async Task Exited_CompletesWhileABackgroundProcessHoldsTheOutput()
    {
        BecomeSubreaper();
        await using var process = ChildProcess.Start(Shell("sleep 1000 & echo started"));
        var reading = ReadAllLinesAsync(process.Output);

        Assert.Equal(0, await process.Exited.WaitAsync(Bound));
        Assert.False(reading.IsCompleted);

        process.EndOutput();
        Assert.Equal(["started"], await reading.WaitAsync(Bound));
        process.SignalGroup(ProcessSignals.Kill);
    }

    [Fact]
    public async Task SignalGroup_GroupGone_IsNotAnError()
    {
        await using var process = ChildProcess.Start(Shell("true"));
        await process.Exited.WaitAsync(Bound);
        await WaitUntilAsync(() => !ProcessExists(process.Id), "the process is reaped");

        process.SignalGroup(ProcessSignals.Terminate);
    }

    [Fact]
    public async Task DisposeAsync_RunningProcess_KillsTheGroup()
    {
        var process = ChildProcess.Start(Shell("sleep 1000"));

        await process.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(128 + ProcessSignals.Kill, await process.Exited.WaitAsync(Bound));
    }

    private static int ParsePid(string line) => int.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture);
}
