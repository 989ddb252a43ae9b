using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Cli;

public sealed class DaemonCommandTests
{
    [Fact]
    public async Task Daemon_NoRunnerFile_ExitsConfigurationSayingWhatToDo()
    {
        using var cli = new CliRun();

        var code = await cli.RunAsync("daemon");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, "run 'kube-runner register' or 'kube-runner create-runner-file' first");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"uuid\": \"u\"}")]
    public async Task Daemon_MalformedRunnerFile_ExitsConfiguration(string content)
    {
        using var cli = new CliRun();
        cli.Write(".runner", content);

        var code = await cli.RunAsync("daemon");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, ".runner");
    }

    [Fact]
    public async Task Daemon_InvalidConfig_ExitsConfigurationNamingFileLineAndKey()
    {
        using var cli = new CliRun();
        cli.Write("config.yaml", "runner:\n  capacity: many\n");

        var code = await cli.RunAsync("daemon", "--config", "config.yaml");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, "config.yaml:2");
        Assert.Contains("runner.capacity", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_RunnerUnknownToTheForge_ExitsForgeRejected()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        WriteRunnerFile(cli, forge.Url, "0b8c5a0e-0000-4000-8000-000000000000", "0123456789abcdef0123456789abcdef01234567", "linux:host");

        var code = await cli.RunAsync("daemon");

        Assert.Equal(4, code);
        RegisterCommandTests.AssertOneLineError(cli, "does not know this runner (unregistered runner)");
    }

    [Fact]
    public async Task Daemon_RegistrationSection_RegistersOnFirstStartOnlyAndKeepsTheRunnerFile()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        cli.Write("token", forge.AddRegistrationToken());
        cli.Write("config.yaml", "runner:\n  labels: [fenced:host]\n  fetch_interval: 100ms\nhost:\n  workdir_parent: work\n"
            + $"registration:\n  instance: {forge.Url}\n  token_file: token\n  name: crunchy01\n");

        for (var start = 1; start <= 2; start++)
        {
            using var stop = new CancellationTokenSource();
            var fetches = forge.Journal.Count(ForgeMethod.FetchTask);
            var daemon = cli.RunAsync(stop.Token, "daemon", "-c", "config.yaml");
            var deadline = DateTime.UtcNow + TestTimeouts.Default;
            while (forge.Journal.Count(ForgeMethod.FetchTask) == fetches && !daemon.IsCompleted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await stop.CancelAsync();
            Assert.True(await daemon == 0, cli.Error);
            Assert.True(forge.Journal.Count(ForgeMethod.FetchTask) > fetches, cli.Error);
        }

        var runner = Assert.Single(forge.Runners);
        Assert.Equal("crunchy01", runner.Name);
        Assert.Equal(runner.Uuid, RegistrationFile.Load(cli.RunnerFile).Uuid);
    }

    [Fact]
    public async Task Daemon_AnotherDaemonHoldsItsDirectory_ExitsConfigurationWithoutTouchingTheSocket()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("vm", ["linux"]);
        using var cli = new CliRun();
        WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "linux:host");
        cli.Write("config.yaml", "host:\n  workdir_parent: work\n");
        var socket = cli.Path_("work/agent/kube-runner.sock");
        using var other = RunnerDirectoryLock.Acquire(socket);
        File.WriteAllText(socket, "the other daemon's socket");

        var code = await cli.RunAsync("daemon", "-c", "config.yaml");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, "another kube-runner daemon is running with " + cli.Path_("work/agent"));
        Assert.Equal("the other daemon's socket", File.ReadAllText(socket));
        Assert.Equal(0, forge.Journal.Count(ForgeMethod.FetchTask));
    }

    [Fact]
    public async Task Daemon_ActionCacheDirUnusable_ExitsConfigurationNamingTheKey()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("vm", ["linux"]);
        using var cli = new CliRun();
        WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "linux:host");
        cli.Write("not-a-directory", "a file");
        cli.Write("config.yaml", "host:\n  workdir_parent: work\nactions:\n  cache_dir: not-a-directory/actions\n");

        var code = await cli.RunAsync("daemon", "-c", "config.yaml");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, "actions.cache_dir: the agent cannot use " + cli.Path_("not-a-directory/actions"));
        Assert.Equal(0, forge.Journal.Count(ForgeMethod.FetchTask));
    }

    [Fact]
    public async Task Daemon_JobNoBackendCanRun_FailsItAtOnceAndStopsOnSignal()
    {
        await using var forge = await FakeForge.StartAsync();
        forge.Faults.DeclareUnimplemented = true;
        var runner = forge.AddRunner("vm", ["fenced"]);
        using var cli = new CliRun();
        WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "fenced:lxc://debian:bookworm");
        cli.Write("config.yaml", "runner:\n  fetch_interval: 100ms\n");
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = ForgeHarness.Workflow(1, "fenced"), RunsOn = ["fenced"] });
        using var stop = new CancellationTokenSource();

        var daemon = cli.RunAsync(stop.Token, "daemon", "-c", "config.yaml");
        var task = await forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Default);
        await stop.CancelAsync();
        var code = await daemon.WaitAsync(TestTimeouts.Default);

        Assert.Equal(0, code);
        Assert.Equal(Result.Failure, task.Result);
        Assert.Contains(task.LogRows, r => r.Content.Contains("selects the label 'fenced:lxc://debian:bookworm'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Daemon_Start_DeclaresVersionAndLabelNamesAndFollowsConfigLabels()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("vm", ["old"]);
        using var cli = new CliRun();
        WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "old:host");
        cli.Write("config.yaml", "runner:\n  labels: [\"heavy\", \"small:host\"]\n");
        using var stop = new CancellationTokenSource();

        var daemon = cli.RunAsync(stop.Token, "daemon", "-c", "config.yaml");
        await forge.WaitForRunnerAsync(r => r.Labels.Contains("heavy"), TestTimeouts.Default);
        await forge.Journal.WaitForAsync(r => r.Method == ForgeMethod.FetchTask, TestTimeouts.Default);
        await stop.CancelAsync();
        Assert.Equal(0, await daemon.WaitAsync(TestTimeouts.Default));

        var declared = forge.FindRunner(runner.Uuid)!;
        Assert.Equal(["heavy", "small"], declared.Labels);
        Assert.StartsWith("kube-runner-", declared.Version, StringComparison.Ordinal);
        Assert.Contains("\"heavy:docker://node:22-bookworm\"", File.ReadAllText(cli.RunnerFile), StringComparison.Ordinal);
        Assert.All(forge.Journal.Requests.Where(r => r.Method == ForgeMethod.FetchTask), r => Assert.StartsWith("kube-runner/", r.UserAgent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Daemon_Bug_ExitsInternalErrorWithTheDetails()
    {
        using var cli = new CliRun { CreateHttpClient = _ => throw new InvalidOperationException("handler exploded") };
        WriteRunnerFile(cli, new Uri("http://127.0.0.1:1/"), "u", "t", "linux:host");

        var code = await cli.RunAsync("daemon");

        Assert.Equal(1, code);
        Assert.StartsWith("kube-runner: internal error, please report it: System.InvalidOperationException: handler exploded", cli.Error, StringComparison.Ordinal);
        Assert.Contains("   at ", cli.Error, StringComparison.Ordinal);
    }

    internal static void WriteRunnerFile(CliRun cli, Uri address, string uuid, string token, params string[] labels) =>
        cli.Write(".runner", $$"""
            {
              "WARNING": "test",
              "id": 1,
              "uuid": "{{uuid}}",
              "name": "vm",
              "token": "{{token}}",
              "address": "{{address}}",
              "labels": [{{string.Join(", ", labels.Select(l => $"\"{l}\""))}}]
            }
            """);
}
