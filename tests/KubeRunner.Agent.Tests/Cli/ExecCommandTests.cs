using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.Cli;

/// <summary><c>kube-runner exec</c> runs real jobs on the host backend with the executor of this build.</summary>
public sealed class ExecCommandTests : IDisposable
{
    private readonly CliRun _cli = new();

    public ExecCommandTests() =>
        _cli.Write("config.yaml", $"executor:\n  path: {ExecutorBuild.Path}\n  kill_grace: 2s\n");

    /// <summary>The repository root: the executor is built at src/KubeRunner.Executor/bin/&lt;configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ExecutorBuild.Path)!, "..", "..", "..", "..", ".."));

    [Fact]
    public async Task HelloSample_GreetsBothNamesThenSummarisesTheOutput()
    {
        var code = await ExecAsync("-W", Path.Combine(RepositoryRoot, "samples", "workflows", "hello.yml"));

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[greet (Alice)] ⭐ Say hello", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[greet (Alice)] Hello, Alice!", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[greet (Bob)] Hello, Bob!", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[greet (Bob)] ✅ Say hello: success", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[summary] greet success, it said: Hello from the push of local/", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[summary] 🏁 Job succeeded", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionsSample_RunsTheLocalCompositeActionFromTheCheckout()
    {
        var samples = Path.Combine(RepositoryRoot, "samples");
        var files = Directory.GetFiles(samples, "*", SearchOption.AllDirectories).Length;

        var code = await ExecAsync("-W", Path.Combine(samples, "workflows", "actions.yml"), "-C", RepositoryRoot);

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains($"[count] samples holds {files} files", _cli.Out, StringComparison.Ordinal);
        Assert.Contains($"[count] The action counted {files} files.", _cli.Out, StringComparison.Ordinal);
        Assert.Matches("\\[count\\] Their key would be samples-[0-9a-f]{64}", _cli.Out);
    }

    [Fact]
    public async Task FailingStep_ExitsOneAndSkipsTheJobThatNeedsIt()
    {
        _cli.Write("wf.yml", """
            on: push
            jobs:
              build:
                runs-on: anything
                steps:
                  - name: break
                    run: exit 3
              deploy:
                runs-on: anything
                needs: build
                steps:
                  - run: echo deploying
            """);

        Assert.Equal(1, await ExecAsync("-W", "wf.yml"));

        Assert.Contains("[build] ❌ break: failure", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[deploy] 🏁 Job skipped", _cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("deploying", _cli.Out.Replace("echo deploying", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretVarAndEnv_ReachTheStepAndTheSecretIsMasked()
    {
        _cli.Write("wf.yml", """
            on: push
            jobs:
              show:
                runs-on: host
                steps:
                  - run: echo "token=${{ secrets.TOKEN }} colour=${{ vars.COLOUR }} mode=$MODE"
            """);

        var code = await ExecAsync("-W", "wf.yml", "-s", "TOKEN=s3cr3t-value", "--var", "COLOUR=blue", "--env", "MODE=fast");

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("token=*** colour=blue mode=fast", _cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_RunsThatJobAndWhatItNeedsOnly()
    {
        _cli.Write("wf.yml", """
            on: push
            jobs:
              first:
                runs-on: host
                steps:
                  - run: echo ran-first
              second:
                runs-on: host
                needs: first
                steps:
                  - run: echo ran-second
              other:
                runs-on: host
                steps:
                  - run: echo ran-other
            """);

        var code = await ExecAsync("-W", "wf.yml", "--job", "second");

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[first] ran-first", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[second] ran-second", _cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("[other]", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Matrix_RunsEachCombinationOnceWithItsValues()
    {
        _cli.Write("wf.yml", """
            on: push
            jobs:
              test:
                runs-on: host
                strategy:
                  matrix:
                    os: [x, y]
                    n: [1]
                    include:
                      - os: z
                        n: 2
                steps:
                  - run: echo "combination ${{ matrix.os }}-${{ matrix.n }}"
            """);

        var code = await ExecAsync("-W", "wf.yml");

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Equal(3, _cli.Out.Split('\n').Count(l => l.EndsWith("🏁 Job succeeded", StringComparison.Ordinal)));
        Assert.Contains("[test (x, 1)] combination x-1", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[test (y, 1)] combination y-1", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[test (z, 2)] combination z-2", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadWorkflow_ExitsThreeNamingTheLine()
    {
        _cli.Write("wf.yml", "on: push\njobs:\n  build:\n    runs-on: host\n    stepz: []\n");

        Assert.Equal(3, await ExecAsync("-W", "wf.yml"));

        Assert.Contains("wf.yml: line 5:", _cli.Error, StringComparison.Ordinal);
        Assert.Equal("", _cli.Out);
    }

    [Fact]
    public async Task UnknownBackend_ExitsTwoNamingTheAvailableOnes()
    {
        _cli.Write("wf.yml", "on: push\njobs:\n  build:\n    runs-on: host\n    steps:\n      - run: true\n");

        Assert.Equal(2, await ExecAsync("-W", "wf.yml", "--backend", "kubernetes"));

        Assert.Equal("kube-runner: --backend: unknown backend 'kubernetes' (available: host)\n", _cli.Error);
    }

    [Fact]
    public async Task NoWorkflowGiven_TakesTheOnlyOneInForgejoWorkflows()
    {
        Directory.CreateDirectory(_cli.Path_(".forgejo/workflows"));
        _cli.Write(".forgejo/workflows/only.yml", "on: push\njobs:\n  build:\n    runs-on: host\n    steps:\n      - run: echo from-default-dir\n");
        _cli.Write(".forgejo/workflows/notes.txt", "not a workflow");

        var code = await ExecAsync();

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[build] from-default-dir", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_JobWorksOnACopyOfTheCheckoutWithoutWhatGitIgnores()
    {
        var repo = _cli.Path_("repo");
        Directory.CreateDirectory(Path.Combine(repo, "build"));
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "build/\n");
        File.WriteAllText(Path.Combine(repo, "tracked.txt"), "tracked\n");
        File.WriteAllText(Path.Combine(repo, "build", "output.o"), "ignored\n");
        await GitAsync(repo, "init", "-q");
        await GitAsync(repo, "add", ".gitignore", "tracked.txt");
        await GitAsync(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "first commit");
        File.WriteAllText(Path.Combine(repo, "untracked.txt"), "untracked\n");
        _cli.Write("wf.yml", """
            on: push
            jobs:
              build:
                runs-on: host
                steps:
                  - run: |
                      echo "$(cat tracked.txt) $(cat untracked.txt)"
                      test ! -e build/output.o && echo "no build output"
                      echo "log: $(git log --format=%s -1)"
                      echo changed > tracked.txt
            """);

        var code = await ExecAsync("-W", "wf.yml", "-C", "repo");

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[build] tracked untracked", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[build] no build output", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[build] log: first commit", _cli.Out, StringComparison.Ordinal);
        Assert.Equal("tracked\n", File.ReadAllText(Path.Combine(repo, "tracked.txt")));
    }

    [Fact]
    public async Task Directory_NotAGitCheckout_IsCopiedWholeAndTheCopyDoesNotContainItself()
    {
        // The task directories live under ~/.cache/act, inside the directory being copied (HOME here).
        _cli.Write("data.txt", "plain file\n");
        _cli.Write("wf.yml", """
            on: push
            jobs:
              build:
                runs-on: host
                steps:
                  - run: |
                      cat data.txt
                      test ! -e .cache/act && echo "no task directories"
            """);

        var code = await ExecAsync("-W", "wf.yml");

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[build] plain file", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[build] no task directories", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteAction_ComesFromTheDefaultActionsUrl()
    {
        await using var server = await EndToEnd.Actions.ActionRepositories.StartAsync();
        _cli.Write("wf.yml", """
            on: push
            jobs:
              remote:
                runs-on: host
                steps:
                  - uses: actions/hello-node@v1
                    with:
                      who: exec
            """);

        var code = await ExecAsync("-W", "wf.yml", "--default-actions-url", server.Url.ToString());

        Assert.True(code == 0, _cli.Out + _cli.Error);
        Assert.Contains("[remote] pre of hello-node for exec", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[remote] hello exec, state after pre, from actions/hello-node@v1", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("[remote] post of hello-node for exec", _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_Missing_ExitsTwoNamingIt()
    {
        _cli.Write("wf.yml", "on: push\njobs:\n  a:\n    runs-on: host\n    steps:\n      - run: true\n");

        Assert.Equal(2, await ExecAsync("-W", "wf.yml", "-C", "nowhere"));

        RegisterCommandTests.AssertOneLineError(_cli, "--directory: " + _cli.Path_("nowhere") + " is not a directory");
    }

    public void Dispose() => _cli.Dispose();

    private static Task<string> GitAsync(string directory, params string[] args) =>
        HostCommand.RunCheckedAsync("git", ["-C", directory, .. args], TestTimeouts.Default);

    private Task<int> ExecAsync(params string[] args) => _cli.RunAsync(["exec", "-c", "config.yaml", .. args]);
}
