using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>
/// A fake cluster whose pods do nothing unless the test scripts them, and a daemon whose <c>linux</c>
/// profile (256Mi of memory, 1Gi of ephemeral storage) runs one job on it: no Docker involved, so
/// the executor never attaches and the backend decides from the pod and Job alone.
/// </summary>
internal sealed class ScriptedKubernetesTask : IAsyncDisposable
{
    public const string Ns = KubernetesRunner.Namespace;
    public const string Image = "registry.example/build-tools:1.11.0";
    public const string ExecutorImage = "registry.example/kube-runner-executor:1";

    private const string Profile = $"""
              image: {Image}
              executor_image: {ExecutorImage}
              memory: 256Mi
              ephemeral_storage: 1Gi

        """;

    private const string Workflow = """
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo the executor never runs here
        """;

    private ScriptedKubernetesTask(FakeKubeApiServer kube, HostRunner runner, long jobId)
    {
        Kube = kube;
        Runner = runner;
        JobId = jobId;
    }

    public FakeKubeApiServer Kube { get; }

    public HostRunner Runner { get; }

    /// <summary>The forge's job; its task is <see cref="TaskId"/> once the daemon took it.</summary>
    public long JobId { get; }

    public long TaskId { get; private set; }

    public string JobName => KubernetesRunner.JobName(Runner.RunnerUuid, TaskId);

    /// <summary>The Job's pod, once <see cref="PodAsync"/> saw it.</summary>
    public string Pod { get; private set; } = "";

    /// <summary>
    /// Starts the cluster and the daemon and queues the job; <paramref name="beforeJob"/> runs before
    /// the job is queued (e.g. to make the API refuse its requests).
    /// </summary>
    /// <param name="kubernetesConfig">Keys added to the <c>kubernetes</c> section, each line indented by two spaces.</param>
    /// <param name="extraConfig">Sections appended after <c>kubernetes</c>, e.g. <c>http</c>.</param>
    public static async Task<ScriptedKubernetesTask> StartAsync(string kubernetesConfig = "", Action<FakeKubeApiServer>? beforeJob = null, string extraConfig = "")
    {
        var kube = await FakeKubeApiServer.StartAsync();
        HostRunner runner;
        try
        {
            runner = await KubernetesRunner.StartAsync(kube, Profile, kubernetesConfig: kubernetesConfig, extraConfig: extraConfig);
        }
        catch
        {
            await kube.DisposeAsync();
            throw;
        }

        beforeJob?.Invoke(kube);
        var task = new ScriptedKubernetesTask(kube, runner, runner.Enqueue(Workflow));
        task.TaskId = (await runner.Forge.WaitForTaskAsync(t => t.JobId == task.JobId, TestTimeouts.Scenario)).Id;
        return task;
    }

    /// <summary>Waits for the Job's pod and for the row saying it waits for the scheduler, the first state of every pod.</summary>
    public async Task PodAsync()
    {
        (_, Pod) = await KubernetesRunner.PodAsync(Kube, Runner.RunnerUuid, TaskId);
        await RowAsync($"Pod {Pod} created; waiting for the scheduler to place it on a node");
    }

    /// <summary>
    /// Waits until the task log has <paramref name="row"/>. The backend reads only the newest state of a
    /// pod, so a test that wants a pending row shown waits for it before scripting the next state.
    /// </summary>
    public async Task RowAsync(string row)
    {
        try
        {
            await Runner.Forge.WaitForTaskAsync(TaskId, t => t.LogRows.Any(r => r.Content == row), TestTimeouts.Default);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"no row \"{row}\"\n--- rows:\n{string.Join("\n", Rows())}\n--- daemon:\n{Runner.DaemonLog()}", e);
        }
    }

    /// <summary>Waits until the daemon finished the task and sent its whole log.</summary>
    public Task<FakeTask> DoneAsync() => Runner.Forge.WaitForTaskAsync(TaskId, t => t.IsDone && t.LogArchived, TestTimeouts.Scenario);

    /// <summary>Whether the Job and its Secret are gone within a few seconds.</summary>
    public async Task<bool> JobDeletedAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline && (Kube.GetJob(Ns, JobName) is not null || Kube.GetSecret(Ns, JobName) is not null))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return Kube.GetJob(Ns, JobName) is null && Kube.GetSecret(Ns, JobName) is null;
    }

    /// <summary>The requests made for the task's objects, e.g. <c>create jobs 503</c>.</summary>
    public IReadOnlyList<string> Requests() =>
        [.. Kube.Requests.All.Where(r => r.Name == JobName).Select(r => $"{r.Verb} {r.Resource} {r.StatusCode}")];

    private IReadOnlyList<string> Rows() => [.. Runner.Forge.GetTask(TaskId).LogRows.Select(r => r.Content)];

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Kube.DisposeAsync();
    }
}
