using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.EndToEnd.Actions;

/// <summary>
/// Remote actions (<c>owner/repo@ref</c> and full URLs): the agent downloads them once from a
/// loopback actions host and serves them to the executor; the job's steps never reach the host.
/// </summary>
public sealed class RemoteActionTests : IAsyncLifetime
{
    private LoopbackGitServer _server = null!;
    private HostRunner _runner = null!;

    public async Task InitializeAsync()
    {
        _server = await ActionRepositories.StartAsync();
        _runner = await HostRunner.StartAsync(forgeOptions: new FakeForgeOptions { DefaultActionsUrl = _server.Url.ToString().TrimEnd('/') });
    }

    [Fact]
    public async Task NodeAndCompositeActions_RunWithPreMainPostAndNestedOutputs()
    {
        var task = await _runner.RunAsync($$$"""
            on: push
            jobs:
              remote:
                runs-on: linux
                steps:
                  - id: hello
                    name: Hello
                    uses: actions/hello-node@v1
                    with:
                      who: Dora
                  - id: greet
                    name: Greet
                    uses: {{{_server.Url}}}actions/composite/greet@v2
                    with:
                      who: Eve
                  - run: echo "${{ steps.hello.outputs.greeting }} / ${{ steps.greet.outputs.said }}"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        var rows = task.Rows();
        // Pre scripts run before the first step, in step order, the nested one too.
        var firstStep = (int)task.Steps[0].LogIndex;
        Assert.True(rows.IndexOf("pre of hello-node for Dora") < firstStep, task.Text());
        Assert.True(rows.IndexOf("pre of hello-node for Eve (nested)") is var nestedPre && nestedPre > rows.IndexOf("pre of hello-node for Dora") && nestedPre < firstStep, task.Text());
        Assert.Equal(["hello Dora, state after pre, from actions/hello-node@v1"], task.StepRows(0));
        Assert.Equal(["hello Eve (nested), state after pre, from actions/hello-node@v1", "composite got hello Eve (nested)"], task.StepRows(1));
        Assert.Equal(["hello Dora / hello Eve (nested)"], task.StepRows(2));
        // Post scripts after the last step, the last action's first.
        var lastStepEnd = (int)(task.Steps[2].LogIndex + task.Steps[2].LogLength);
        var nestedPost = rows.IndexOf("post of hello-node for Eve (nested)");
        var post = rows.IndexOf("post of hello-node for Dora");
        Assert.True(lastStepEnd <= nestedPost && nestedPost < post, task.Text());
    }

    [Fact]
    public async Task SecondJob_TakesTheActionFromTheAgentsCacheWithoutAnyRequest()
    {
        const string Workflow = """
            on: push
            jobs:
              twice:
                runs-on: linux
                steps:
                  - uses: actions/hello-node@v1
            """;

        var first = await _runner.RunAsync(Workflow);
        var requests = _server.RequestPaths.Count;
        var second = await _runner.RunAsync(Workflow);

        Assert.True(first.Result == Result.Success && second.Result == Result.Success, first.Text() + "\n---\n" + second.Text());
        Assert.Contains(first.Rows(), r => r.StartsWith("☁ actions/hello-node@v1 (", StringComparison.Ordinal) && !r.Contains("cache", StringComparison.Ordinal));
        Assert.Contains(second.Rows(), r => r.StartsWith("☁ actions/hello-node@v1 (", StringComparison.Ordinal) && r.EndsWith(", from the runner's cache)", StringComparison.Ordinal));
        Assert.Equal(requests, _server.RequestPaths.Count);
    }

    [Theory]
    [InlineData("actions/missing@v1", "actions/missing")]
    [InlineData("actions/hello-node@v9", "v9")]
    public async Task UnknownRepositoryOrRef_FailsThatStepNamingTheActionAndTheProblem(string uses, string named)
    {
        var task = await _runner.RunAsync($$"""
            on: push
            jobs:
              broken:
                runs-on: linux
                steps:
                  - run: echo before
                  - uses: {{uses}}
                  - if: always()
                    run: echo after
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.Equal([Result.Success, Result.Failure, Result.Success], task.Steps.Select(s => s.Result));
        Assert.Contains(task.StepRows(1), r => r.Contains(named, StringComparison.Ordinal) && r.StartsWith("⚙️ [runner]: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AbbreviatedSha_IsRefusedWithTheFullShaToWrite()
    {
        var sha = await _server.CommitAsync("actions", "hello-node", "main", new RepositoryContent(new Dictionary<string, string> { ["README.md"] = "more\n" }));

        var task = await _runner.RunAsync($$"""
            on: push
            jobs:
              short:
                runs-on: linux
                steps:
                  - uses: actions/hello-node@{{sha[..7]}}
            """);

        Assert.Equal(Result.Failure, task.Result);
        Assert.Contains(task.StepRows(0), r => r.Contains(sha[..7], StringComparison.Ordinal) && r.Contains("full", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Checkout_ClonesTheJobsRepositoryWithTheTaskTokenThenALocalActionRuns()
    {
        var sha = await _server.CreateRepositoryAsync("owner", "app", new Dictionary<string, string>
        {
            ["README.md"] = "the app's readme\n",
            [".forgejo/actions/local/action.yml"] = "name: local\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo \"local action of $GITHUB_REPOSITORY\"\n",
        });
        const string Token = "0123456789abcdef0123456789abcdef01234567";
        _server.RequireToken("owner", "app", Token);

        var task = await _runner.RunAsync(new FakeJob
        {
            WorkflowYaml = """
                on: push
                jobs:
                  build:
                    runs-on: linux
                    steps:
                      - uses: actions/checkout@v4
                      - run: cat README.md
                      - uses: ./.forgejo/actions/local
                """,
            RunsOn = ["linux"],
            Repository = "owner/app",
            Sha = sha,
            ExtraContext = new Dictionary<string, Google.Protobuf.WellKnownTypes.Value>
            {
                ["server_url"] = Google.Protobuf.WellKnownTypes.Value.ForString(_server.Url.ToString().TrimEnd('/')),
                ["token"] = Google.Protobuf.WellKnownTypes.Value.ForString(Token),
            },
        });

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal(["checked out owner/app"], task.StepRows(0));
        Assert.Equal(["the app's readme"], task.StepRows(1));
        Assert.Equal(["local action of owner/app"], task.StepRows(2));
        Assert.DoesNotContain(Token, task.Text(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _runner.DisposeAsync();
        await _server.DisposeAsync();
    }
}
