using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>A fake forge with one registered runner, and a client with that runner's credentials.</summary>
internal sealed class ForgeHarness : IAsyncDisposable
{
    private readonly HttpClient _http;

    private ForgeHarness(FakeForge forge, FakeRunner runner)
    {
        Forge = forge;
        Runner = runner;
        // The production handler, so that gzip answers and headers are what the daemon sees.
        _http = ForgeHttp.CreateClient(insecure: false);
        Client = new ForgeClient(_http, forge.Url, new RunnerCredentials(runner.Uuid, runner.Token), TimeSpan.FromSeconds(30));
    }

    public FakeForge Forge { get; }

    public FakeRunner Runner { get; }

    public ForgeClient Client { get; }

    public static async Task<ForgeHarness> StartAsync(params string[] labels)
    {
        var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("test-runner", labels.Length == 0 ? ["linux"] : labels);
        return new ForgeHarness(forge, runner);
    }

    public static string Workflow(int steps, string runsOn = "linux") =>
        $"on: push\njobs:\n  build:\n    runs-on: {runsOn}\n    steps:\n" +
        string.Concat(Enumerable.Range(0, steps).Select(i => $"      - run: echo step {i}\n"));

    /// <summary>Enqueues a job and fetches it as the runner, as the poller would.</summary>
    public async Task<ForgeTask> ClaimAsync(int steps = 2, IReadOnlyDictionary<string, string>? secrets = null)
    {
        Forge.EnqueueJob(new FakeJob { WorkflowYaml = Workflow(steps), RunsOn = ["linux"], Secrets = secrets ?? new Dictionary<string, string>() });
        var response = await Client.FetchTaskAsync(new FetchTaskRequest(), Guid.NewGuid().ToString(), TestTimeouts.Default, CancellationToken.None);
        return response.Task ?? throw new InvalidOperationException("the fake forge gave no task");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Forge.DisposeAsync();
    }
}
