using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>
/// A fake forge and a daemon in this process with one label, <c>linux:host</c> unless told otherwise:
/// jobs run for real on the host backend (through the executor built next to kube-runner) or the one
/// the label selects.
/// </summary>
internal sealed class HostRunner : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CliRun _cli = new();
    private Task<int>? _daemon;

    private HostRunner(FakeForge forge) => Forge = forge;

    public FakeForge Forge { get; }

    /// <summary>The uuid the forge registered this runner with (the daemon labels what it creates with it).</summary>
    public string RunnerUuid { get; private set; } = "";

    public string Directory => _cli.Directory;

    /// <summary>A finished task as the forge has it, with the daemon's log, for assertion messages.</summary>
    public string Explain(FakeTask task) =>
        $"{task.Text()}\n--- steps: {string.Join(' ', task.Steps.Select(s => s.Result))}\n--- forge: {string.Join("; ", task.Journal)}\n--- daemon:\n"
        + DaemonLog();

    /// <summary>The daemon's log so far, one entry per line.</summary>
    public string DaemonLog() => string.Join("\n", _cli.Log.Entries.Select(e => $"{e.Level}: {e.Message}"));

    /// <param name="extraConfig">Sections appended to config.yaml after <c>runner</c> and <c>executor</c>.</param>
    /// <param name="runnerConfig">Keys added to the <c>runner</c> section, each line indented by two spaces.</param>
    /// <param name="forgeOptions">How the fake forge behaves, e.g. the default actions URL it gives tasks.</param>
    public static Task<HostRunner> StartAsync(string extraConfig = "", string runnerConfig = "", FakeForgeOptions? forgeOptions = null) =>
        StartWithLabelAsync("linux:host", "", extraConfig, runnerConfig, forgeOptions);

    /// <summary>Like <see cref="StartAsync"/> with another label, e.g. <c>linux:docker://image</c> (see <see cref="DockerRunner"/>).</summary>
    /// <param name="executorConfig">Keys added to the <c>executor</c> section, each line indented by two spaces.</param>
    public static async Task<HostRunner> StartWithLabelAsync(string label, string executorConfig, string extraConfig = "", string runnerConfig = "",
        FakeForgeOptions? forgeOptions = null)
    {
        var forge = await FakeForge.StartAsync(forgeOptions);
        var runner = new HostRunner(forge);
        var registered = forge.AddRunner("host-runner", ["linux"]);
        runner.RunnerUuid = registered.Uuid;
        DaemonCommandTests.WriteRunnerFile(runner._cli, forge.Url, registered.Uuid, registered.Token, label);
        runner._cli.Write("config.yaml", "runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\n  capacity: 4\n" + runnerConfig
            + $"executor:\n  path: {ExecutorBuild.Path}\n  kill_grace: 2s\n" + executorConfig + extraConfig
            // Every executor event in the daemon's log, for Explain.
            + (extraConfig.Contains("log:", StringComparison.Ordinal) ? "" : "log:\n  level: debug\n"));
        runner._daemon = runner._cli.RunAsync(runner._stop.Token, "daemon", "-c", "config.yaml");
        return runner;
    }

    /// <summary>Queues a job; its payload is the workflow as written (one job).</summary>
    public long Enqueue(string workflow, IReadOnlyDictionary<string, string>? secrets = null, IReadOnlyDictionary<string, string>? vars = null, bool sendAsIs = false) =>
        Forge.EnqueueJob(new FakeJob
        {
            WorkflowYaml = workflow,
            SendAsIs = sendAsIs,
            RunsOn = ["linux"],
            Secrets = secrets ?? new Dictionary<string, string>(),
            Vars = vars ?? new Dictionary<string, string>(),
        });

    /// <summary>Queues a job and waits until its log shows <paramref name="row"/>: the job is then running, e.g. to be cancelled.</summary>
    public async Task<FakeTask> StartUntilRowAsync(string workflow, string row)
    {
        var job = Enqueue(workflow);
        return await Forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == row), TestTimeouts.Scenario);
    }

    /// <summary>Runs a job described in full (repository, sha, context) to its end.</summary>
    public Task<FakeTask> RunAsync(FakeJob job) => WaitDoneAsync(Forge.EnqueueJob(job));

    /// <summary>Runs a job to its end and returns the task as the forge has it.</summary>
    public async Task<FakeTask> RunAsync(string workflow, IReadOnlyDictionary<string, string>? secrets = null, IReadOnlyDictionary<string, string>? vars = null)
    {
        var job = Enqueue(workflow, secrets, vars);
        return await WaitDoneAsync(job);
    }

    /// <summary>Runs the job, then stops the daemon, which waits for the task's cleanup: afterwards nothing of it may be left.</summary>
    public async Task<FakeTask> RunThenStopAsync(string workflow, IReadOnlyDictionary<string, string>? vars = null)
    {
        await using (this)
        {
            return await RunAsync(workflow, vars: vars);
        }
    }

    /// <summary>Runs a payload sent verbatim, even one that is not a valid single-job workflow.</summary>
    public Task<FakeTask> RunAsIsAsync(string payload) => WaitDoneAsync(Enqueue(payload, sendAsIs: true));

    public async Task<FakeTask> WaitDoneAsync(long job)
    {
        try
        {
            return await Forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario);
        }
        catch (TimeoutException) when (_daemon is { IsCompleted: true })
        {
            throw new InvalidOperationException($"the daemon ended with {await _daemon}: {_cli.Error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_daemon is not null)
        {
            await _daemon.WaitAsync(TestTimeouts.Scenario);
        }

        _stop.Dispose();
        _cli.Dispose();
        await Forge.DisposeAsync();
    }
}
