using KubeRunner.Agent.Cli;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// A fake forge on loopback and a <c>kube-runner daemon</c> in this process with one label
/// (<c>linux:host</c> unless told otherwise): jobs run for real, through the given executor binary,
/// with the default reporting settings an operator gets.
/// </summary>
internal sealed class HostDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _error = new();
    private Task<int> _daemon = Task.FromResult(0);

    private HostDaemon(FakeForge forge, string directory)
    {
        Forge = forge;
        Directory = directory;
    }

    public FakeForge Forge { get; }

    public string Directory { get; }

    /// <summary>Where the daemon keeps the record of each running task (with its executor's pid).</summary>
    public string TaskRecords => Path.Combine(Directory, "work", "kube-runner-tasks");

    /// <param name="label">The runner's one label, e.g. <c>linux:docker://image</c>.</param>
    /// <param name="extraConfig">Sections appended to config.yaml, e.g. <c>docker:</c>.</param>
    public static async Task<HostDaemon> StartAsync(string executorPath, FakeForgeOptions? forgeOptions = null,
        string label = "linux:host", string extraConfig = "")
    {
        var forge = await FakeForge.StartAsync(forgeOptions);
        var runner = forge.AddRunner("bench", ["linux"]);
        var daemon = new HostDaemon(forge, System.IO.Directory.CreateTempSubdirectory("kube-runner-bench-").FullName);
        File.WriteAllText(Path.Combine(daemon.Directory, ".runner"), $$"""
            {"id": 1, "uuid": "{{runner.Uuid}}", "name": "bench", "token": "{{runner.Token}}", "address": "{{forge.Url}}", "labels": ["{{label}}"]}
            """);
        File.WriteAllText(Path.Combine(daemon.Directory, "config.yaml"),
            $"runner:\n  fetch_interval: 100ms\nhost:\n  workdir_parent: work\nexecutor:\n  path: {executorPath}\n" + extraConfig);
        var context = new CliContext
        {
            In = TextReader.Null,
            Out = TextWriter.Null,
            Error = daemon._error,
            Environment = ProcessEnvironment.Snapshot(),
            HomeDirectory = daemon.Directory,
            CurrentDirectory = daemon.Directory,
            ConfigureLogging = _ => { },
        };
        daemon._daemon = KubeRunnerCli.InvokeAsync(["daemon", "-c", "config.yaml"], context, daemon._stop.Token);
        return daemon;
    }

    /// <summary>Queues a job and returns its id; <see cref="WaitDoneAsync"/> waits for its end.</summary>
    public long Enqueue(string workflow) => Forge.EnqueueJob(new FakeJob { WorkflowYaml = workflow, RunsOn = ["linux"] });

    public async Task<FakeTask> WaitDoneAsync(long job)
    {
        var wait = Forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TimeSpan.FromMinutes(10));
        if (await Task.WhenAny(wait, _daemon) != wait)
        {
            throw new InvalidOperationException($"the daemon stopped with {await _daemon}: {_error}");
        }

        var task = await wait;
        // The daemon removes the task's record (and directory) right after the forge has the result;
        // the next measurement starts once nothing of this task is left.
        while (System.IO.Directory.Exists(TaskRecords) && System.IO.Directory.EnumerateFiles(TaskRecords).Any())
        {
            await Task.Delay(20);
        }

        return task;
    }

    public async Task<FakeTask> RunAsync(string workflow) => await WaitDoneAsync(Enqueue(workflow));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _daemon;
        _stop.Dispose();
        await Forge.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
