using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.LocalRun;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Agent.Tests.Actions;

public sealed class ActionServicesTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kube-runner-actions-di-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task AddKubeRunnerAgent_ActionCache_UsesDefaultDirectoryAndAClientWithoutCredentials()
    {
        var config = ConfigLoader.Load(null, new Dictionary<string, string>(), _directory.FullName, _directory.FullName);
        var cacheDir = Path.Join(_directory.FullName, ".cache", "act", "actions");
        var settings = new AgentHostSettings(config, new RunnerRegistration(1, "uuid", "runner", "forge-token", "http://127.0.0.1:1/", []),
            new Uri("http://127.0.0.1:1/"), new LabelSet(["shell:host"]), new ConsoleRunnerService(TextWriter.Null), TimeProvider.System, _ => { },
            PollForTasks: false);
        var services = new ServiceCollection().AddLogging().AddKubeRunnerAgent(settings);
        await using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<ActionCache>();
        var http = provider.GetRequiredKeyedService<HttpClient>(ActionsHttp.ServiceKey);

        Assert.Same(cache, provider.GetRequiredService<ActionCache>());
        Assert.True(Directory.Exists(cacheDir));
        Assert.Equal(0, cache.TotalSize);
        Assert.Null(http.DefaultRequestHeaders.Authorization);
        Assert.Contains(http.DefaultRequestHeaders.UserAgent, product => product.Product?.Name == "kube-runner");
    }
}
