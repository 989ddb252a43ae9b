using System.Globalization;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.Git;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// What the agent's action cache saves: two jobs use the same three actions (two node actions and
/// a composite) from a loopback actions host; the figure is the time from the task's start to its
/// first step, for the second job against the first, with the requests each made to the host.
/// </summary>
internal static class ActionCacheBenefit
{
    private const string Workflow = """
        on: push
        jobs:
          three:
            runs-on: linux
            steps:
              - uses: bench/setup-tool@v1
              - uses: bench/lint@v1
              - uses: bench/report/summary@v1
              - run: echo done
        """;

    public static async Task<string> RunAsync(string executorPath)
    {
        await using var host = await LoopbackGitServer.StartAsync();
        await CreateActionsAsync(host);
        await using var daemon = await HostDaemon.StartAsync(executorPath, new FakeForgeOptions { DefaultActionsUrl = host.Url.ToString().TrimEnd('/') });

        var (cold, coldRequests) = await MeasureAsync(daemon, host);
        var (warm, warmRequests) = await MeasureAsync(daemon, host);
        return $"| Second job using the same 3 actions (2 node, 1 composite): task start to first step | {Ms(warm)} ms, {warmRequests} requests to the actions host | "
            + $"the first job, which downloaded them: {Ms(cold)} ms, {coldRequests} requests | {warm / cold:0.00} |";
    }

    private static async Task<(TimeSpan ToFirstStep, int Requests)> MeasureAsync(HostDaemon daemon, LoopbackGitServer host)
    {
        var before = host.RequestPaths.Count;
        var task = await daemon.RunAsync(Workflow);
        if (task.Result != Protocol.Runner.V1.Result.Success)
        {
            throw new InvalidOperationException("the job with three actions failed:\n" + string.Join("\n", task.LogRows.Select(r => r.Content)));
        }

        return (task.Steps[0].StartedAt!.Value - task.StartedAt, host.RequestPaths.Count - before);
    }

    private static async Task CreateActionsAsync(LoopbackGitServer host)
    {
        const string Node = "name: {0}\nruns:\n  using: node20\n  main: index.js\n";
        await host.CreateRepositoryAsync("bench", "setup-tool", new Dictionary<string, string>
        {
            ["action.yml"] = string.Format(CultureInfo.InvariantCulture, Node, "setup-tool"),
            ["index.js"] = "console.log('tool ready');\n",
            ["node_modules/lib/index.js"] = new string('/', 200_000) + "\n",
        }, "v1");
        await host.CreateRepositoryAsync("bench", "lint", new Dictionary<string, string>
        {
            ["action.yml"] = string.Format(CultureInfo.InvariantCulture, Node, "lint"),
            ["index.js"] = "console.log('no findings');\n",
        }, "v1");
        await host.CreateRepositoryAsync("bench", "report", new Dictionary<string, string>
        {
            ["summary/action.yml"] = "name: summary\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo summary\n",
        }, "v1");
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
