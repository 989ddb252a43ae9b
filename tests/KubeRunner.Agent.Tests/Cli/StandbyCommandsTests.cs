using KubeRunner.Agent.Cli;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Tests.TestSupport;

namespace KubeRunner.Agent.Tests.Cli;

/// <summary><c>kube-runner drain</c> and <c>kube-runner status</c> against a stand-in for the agent's http.listen.</summary>
public sealed class StandbyCommandsTests
{
    private const string Secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string Uuid = "6a0c8e0e-0d1f-4c2b-9a53-2f1f6f3c8b11";

    [Fact]
    public async Task Drain_AgentAnswers_PostsWithTheFleetSecretAndPrintsOneLine()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (200, AgentStatusStub.Json(Status(busy: 2, accepting: false)));
        using var cli = Configured(agent.Listen);
        DaemonCommandTests.WriteRunnerFile(cli, new Uri("https://forge.example/"), Uuid, "t", "fenced");

        var code = await cli.RunAsync("drain", "-c", "config.yaml");

        Assert.Equal(0, code);
        Assert.Equal([("POST", "/standby/v1/drain", "Bearer " + Secret)], agent.Requests);
        Assert.Equal("drained: runner 'vm' takes no new job; 2 running job(s) go on; its standby takes the next one\n", cli.Out);
        Assert.Equal("", cli.Error);
    }

    [Fact]
    public async Task Drain_Undo_DeletesTheDrainAndNamesTheRunnerByUuidWithoutARunnerFile()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (200, AgentStatusStub.Json(Status(busy: 0, accepting: true)));
        using var cli = Configured(agent.Listen);

        var code = await cli.RunAsync("drain", "--undo", "-c", "config.yaml");

        Assert.Equal(0, code);
        Assert.Equal([("DELETE", "/standby/v1/drain", "Bearer " + Secret)], agent.Requests);
        Assert.Equal($"resumed: runner {Uuid} takes jobs again; no running job\n", cli.Out);
    }

    [Fact]
    public async Task Drain_Wait_PollsTheStatusUntilNoJobRuns()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        var busy = new Queue<int>([1, 0]);
        agent.Answer = (method, _) => (200, AgentStatusStub.Json(Status(busy: method == "POST" ? 2 : busy.Dequeue(), accepting: false)));
        using var cli = Configured(agent.Listen);

        var code = await cli.RunAsync("drain", "--wait", "-c", "config.yaml");

        Assert.Equal(0, code);
        Assert.Equal(
            [("POST", "/standby/v1/drain"), ("GET", "/standby/v1/status"), ("GET", "/standby/v1/status")],
            agent.Requests.Select(r => (r.Method, r.Path)));
        Assert.All(agent.Requests, r => Assert.Equal("Bearer " + Secret, r.Authorization));
        Assert.EndsWith($"idle: no job runs on runner {Uuid}; it can be stopped\n", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_WaitBeyondTimeout_ExitsDrainTimedOutSayingTheRunnerStaysDrained()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (200, AgentStatusStub.Json(Status(busy: 1, accepting: false)));
        using var cli = Configured(agent.Listen);

        var code = await cli.RunAsync("drain", "--wait", "--timeout", "1s", "-c", "config.yaml");

        Assert.Equal(7, code);
        RegisterCommandTests.AssertOneLineError(cli,
            $"drain --wait: 1 job(s) still run on runner {Uuid} after 1s; it stays drained (kube-runner drain --undo resumes it)");
        Assert.Contains(agent.Requests, r => r.Method == "GET");
    }

    [Theory]
    [InlineData(401, 3, "refused the fleet secret: it was started with another standby.fleet_secret_file content")]
    [InlineData(404, 3, "serves no /standby/v1/drain: it runs without standby.fleet_secret_file")]
    [InlineData(503, 6, "answered POST /standby/v1/drain with 503 Service Unavailable: not registered yet")]
    public async Task Drain_AgentRefuses_ExitsWithOneLine(int status, int exitCode, string message)
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (status, status == 503 ? "not registered yet\n" : "no\n");
        using var cli = Configured(agent.Listen);

        var code = await cli.RunAsync("drain", "-c", "config.yaml");

        Assert.Equal(exitCode, code);
        RegisterCommandTests.AssertOneLineError(cli, $"the agent on http://{agent.Listen}/ {message}");
        Assert.Equal("", cli.Out);
    }

    [Fact]
    public async Task Drain_NoAgentListening_ExitsAgentUnavailable()
    {
        using var cli = Configured("127.0.0.1:1");

        var code = await cli.RunAsync("drain", "-c", "config.yaml");

        Assert.Equal(6, code);
        RegisterCommandTests.AssertOneLineError(cli, "no agent answers on http://127.0.0.1:1/: is the daemon running with this config?");
    }

    [Theory]
    [InlineData("standby:\n  fleet_secret_file: fleet\n", "fleet_secret_file: needs http.listen")]
    [InlineData("http:\n  listen: 127.0.0.1:1\n", "drain needs http.listen and standby.fleet_secret_file in {0}: standby.fleet_secret_file is not set; pass the daemon's config with --config")]
    public async Task Drain_ConfigWithoutTheAgentsAddressOrSecret_ExitsConfiguration(string yaml, string message)
    {
        using var cli = new CliRun();
        cli.Write("config.yaml", yaml);

        var code = await cli.RunAsync("drain", "-c", "config.yaml");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, string.Format(System.Globalization.CultureInfo.InvariantCulture, message, cli.Path_("config.yaml")));
    }

    [Fact]
    public async Task Drain_NoConfig_SaysWhereTheAgentsAddressComesFrom()
    {
        using var cli = new CliRun();

        Assert.Equal(3, await cli.RunAsync("drain"));
        RegisterCommandTests.AssertOneLineError(cli, "drain needs http.listen and standby.fleet_secret_file in the defaults (no --config given): http.listen is not set");
    }

    [Fact]
    public async Task Drain_UndoWithWait_ExitsUsage()
    {
        using var cli = Configured("127.0.0.1:1");

        Assert.Equal(2, await cli.RunAsync("drain", "--undo", "--wait", "-c", "config.yaml"));
        RegisterCommandTests.AssertOneLineError(cli, "drain: --wait and --timeout wait for a drain's jobs; they do not go with --undo");
    }

    [Fact]
    public async Task Status_Primary_GetsTheStatusThroughTheLoopbackOfAnAllAddressesListenAndPrintsASummary()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (200, AgentStatusStub.Json(Status(busy: 1, accepting: true)));
        // ":port" listens on every address; the command dials this machine's loopback.
        using var cli = Configured($":{agent.Port}");

        var code = await cli.RunAsync("status", "-c", "config.yaml");

        Assert.Equal(0, code);
        Assert.Equal([("GET", "/standby/v1/status", "Bearer " + Secret)], agent.Requests);
        Assert.Equal(
            [
                $"runner:     {Uuid}",
                "role:       primary",
                "mode:       normal",
                "accepting:  yes, takes new jobs",
                "jobs:       1/2 busy",
                "forge:      ok; last fetch answered 1s ago",
                "labels:     fenced, linux",
            ],
            cli.Out.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Status_Standby_PrintsWhyItHoldsBackAndEachPeer()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        var view = new StandbyView(20_000, 184_000, "peer http://crunchy01:9110 is full", "jobs and runner status", 2, 12_400, 3,
        [
            new PeerView("http://crunchy01:9110", "saturated", "u-1", "b-1", 42, 0, 800, "active", "seq 42: 2/2 busy"),
            new PeerView("http://crunchy02:9110", "down", null, null, null, 7, null, null, "7 missed reads; forge says offline"),
        ]);
        agent.Answer = (_, _) => (200, AgentStatusStub.Json(Status(busy: 0, accepting: true) with { Priority = 1, Mode = "standby", Standby = view }));
        using var cli = Configured(agent.Listen);

        var code = await cli.RunAsync("status", "-c", "config.yaml");

        Assert.Equal(0, code);
        Assert.Equal(
            [
                $"runner:     {Uuid}",
                "role:       standby, priority 1",
                "mode:       standby, for 3m4s: peer http://crunchy01:9110 is full",
                "accepting:  yes, takes new jobs",
                "jobs:       0/2 busy",
                "forge:      ok; last fetch answered 1s ago",
                "labels:     fenced, linux",
                "grace now:  20s (a waiting job older than this is claimed)",
                "forge API:  jobs and runner status",
                "waiting:    2 job(s), the oldest seen for 12s",
                "claims:     3 since start",
                "peer http://crunchy01:9110: saturated (seq 42: 2/2 busy); 0 missed read(s), answered 800ms ago; forge says active",
                "peer http://crunchy02:9110: down (7 missed reads; forge says offline); 7 missed read(s), never answered; forge status unknown",
            ],
            cli.Out.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Status_Json_PrintsTheDocumentAsReceived()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        var document = "{\"runner_uuid\":\"u\",\"boot_id\":\"b\",\"seq\":1,\"priority\":0,\"mode\":\"draining\",\"labels\":[],\"capacity\":1,\"busy\":0,"
            + "\"accepting\":false,\"forge_ok\":false,\"since_last_fetch_ok_ms\":null,\"fetch_interval_ms\":2000,\"fetch_timeout_ms\":5000,\"extra\":true}";
        agent.Answer = (_, _) => (200, document);
        using var cli = Configured(agent.Listen);

        Assert.Equal(0, await cli.RunAsync("status", "--json", "-c", "config.yaml"));
        Assert.Equal(document + "\n", cli.Out);
    }

    [Fact]
    public async Task Status_AnswerThatIsNoStatus_ExitsAgentUnavailable()
    {
        await using var agent = await AgentStatusStub.StartAsync();
        agent.Answer = (_, _) => (200, "ok\n");
        using var cli = Configured(agent.Listen);

        Assert.Equal(6, await cli.RunAsync("status", "-c", "config.yaml"));
        RegisterCommandTests.AssertOneLineError(cli, $"the agent on http://{agent.Listen}/ answered /standby/v1/status with something other than its status");
    }

    [Theory]
    [InlineData("0.0.0.0:9110", "http://127.0.0.1:9110/")]
    [InlineData(":9110", "http://127.0.0.1:9110/")]
    [InlineData("[::]:9110", "http://[::1]:9110/")]
    [InlineData("localhost:9110", "http://127.0.0.1:9110/")]
    [InlineData("10.1.2.3:9110", "http://10.1.2.3:9110/")]
    [InlineData("[fd00::7]:9110", "http://[fd00::7]:9110/")]
    public void BaseAddressOf_Listen_IsAnAddressThisMachineCanDial(string listen, string expected)
    {
        Assert.Equal(new Uri(expected), LocalAgentClient.BaseAddressOf(listen));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(12_400, "12s")]
    [InlineData(184_999, "3m4s")]
    [InlineData(3_600_000, "1h0m0s")]
    public void Age_Milliseconds_ReadsAsAGoDuration(long milliseconds, string expected)
    {
        Assert.Equal(expected, StatusCommand.Age(milliseconds));
    }

    [Fact]
    public async Task Help_ListsDrainAndStatus()
    {
        using var cli = new CliRun();

        Assert.Equal(0, await cli.RunAsync("--help"));
        Assert.Contains("drain", cli.Out, StringComparison.Ordinal);
        Assert.Contains("status", cli.Out, StringComparison.Ordinal);
        Assert.Contains("6 no agent", cli.Out, StringComparison.Ordinal);
    }

    private static CliRun Configured(string listen)
    {
        var cli = new CliRun();
        cli.Write("fleet", Secret + "\n");
        cli.Write("config.yaml", $"http:\n  listen: '{listen}'\nstandby:\n  fleet_secret_file: fleet\n");
        return cli;
    }

    private static PeerStatus Status(int busy, bool accepting) =>
        new(Uuid, "boot-1", 7, 0, accepting ? "normal" : "draining", ["fenced", "linux"], 2, busy, accepting, true, 1_500, 2_000, 5_000);
}
