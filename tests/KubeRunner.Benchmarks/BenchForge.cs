using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Benchmarks;

/// <summary>A fake forge on loopback with one runner, and that runner's client.</summary>
internal sealed class BenchForge : IAsyncDisposable
{
    private readonly HttpClient _http = ForgeHttp.CreateClient(insecure: false);

    private BenchForge(FakeForge forge, FakeRunner runner)
    {
        Forge = forge;
        Client = new ForgeClient(_http, forge.Url, new RunnerCredentials(runner.Uuid, runner.Token), TimeSpan.FromSeconds(60));
    }

    public FakeForge Forge { get; }

    public ForgeClient Client { get; }

    public static async Task<BenchForge> StartAsync(TimeProvider? time = null)
    {
        var forge = await FakeForge.StartAsync(time is null ? null : new FakeForgeOptions { TimeProvider = time });
        return new BenchForge(forge, forge.AddRunner("bench", ["linux"]));
    }

    public async Task<ForgeTask> ClaimAsync()
    {
        Forge.EnqueueJob(new FakeJob { WorkflowYaml = "on: push\njobs:\n  b:\n    runs-on: linux\n    steps:\n      - run: x\n", RunsOn = ["linux"] });
        var response = await Client.FetchTaskAsync(new FetchTaskRequest(), Guid.NewGuid().ToString(), TimeSpan.FromSeconds(10), CancellationToken.None);
        return response.Task!;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Forge.DisposeAsync();
    }
}
