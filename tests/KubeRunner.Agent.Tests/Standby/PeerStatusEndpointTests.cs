using System.Net;
using System.Text.Json;
using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Standby;

/// <summary>A daemon in this process with a fleet secret: what it tells its peers about itself.</summary>
public sealed class PeerStatusEndpointTests
{
    private const string Path = "/standby/v1/status";
    private const string Secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    [Fact]
    public async Task Status_FleetSecretConfigured_AnswersOnlyPeersThatPresentItWithTheAgentsState()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("crunchy01", ["fenced"]);
        using var cli = new CliRun();
        using var status = new StatusClient();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "fenced:host");
        cli.Write("fleet", Secret + "\n");
        cli.Write("config.yaml", $"runner:\n  capacity: 2\n  fetch_interval: 100ms\nhttp:\n  listen: {status.Listen}\nstandby:\n  fleet_secret_file: fleet\n");

        var (first, again, anonymous, wrong) = await WhileRunningAsync(cli, async () => (
            await status.WaitAsync(Path, a => a.Status == HttpStatusCode.OK && Read(a).GetProperty("since_last_fetch_ok_ms").ValueKind == JsonValueKind.Number, TestTimeouts.Default, Secret),
            await status.GetAsync(Path, Secret),
            await status.GetAsync(Path),
            await status.GetAsync(Path, "not-the-secret")));
        var restarted = await WhileRunningAsync(cli, () => status.WaitAsync(Path, a => a.Status == HttpStatusCode.OK, TestTimeouts.Default, Secret));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        var state = Read(first);
        Assert.Equal("application/json", first.ContentType);
        Assert.Equal(runner.Uuid, state.GetProperty("runner_uuid").GetString());
        Assert.Equal(["fenced"], state.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(2, state.GetProperty("capacity").GetInt32());
        Assert.Equal(0, state.GetProperty("busy").GetInt32());
        Assert.True(state.GetProperty("accepting").GetBoolean());
        Assert.True(state.GetProperty("forge_ok").GetBoolean());
        Assert.InRange(state.GetProperty("since_last_fetch_ok_ms").GetInt64(), 0, 10_000);
        Assert.Equal(state.GetProperty("seq").GetInt64() + 1, Read(again).GetProperty("seq").GetInt64());
        Assert.Equal(state.GetProperty("boot_id").GetString(), Read(again).GetProperty("boot_id").GetString());
        // A new process is a new boot: a peer tells a restart from a long pause by it.
        Assert.NotEqual(state.GetProperty("boot_id").GetString(), Read(restarted).GetProperty("boot_id").GetString());
        Assert.Equal(1, Read(restarted).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Drain_PostThenDelete_StopsAndResumesTakingJobsForHoldersOfTheSecretOnly()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("crunchy01", ["fenced"]);
        using var cli = new CliRun();
        using var status = new StatusClient();
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "fenced:host");
        cli.Write("fleet", Secret + "\n");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\nhttp:\n  listen: {status.Listen}\nstandby:\n  fleet_secret_file: fleet\n");
        var drain = new Uri($"http://127.0.0.1:{status.Port}/standby/v1/drain");

        var (anonymous, wrong, get, drained, stillDrained, resumed) = await WhileRunningAsync(cli, async () =>
        {
            await status.WaitAsync(Path, a => a.Status == HttpStatusCode.OK, TestTimeouts.Default, Secret);
            return (
                await SendAsync(http, HttpMethod.Post, drain, null),
                await SendAsync(http, HttpMethod.Post, drain, "not-the-secret"),
                await SendAsync(http, HttpMethod.Get, drain, Secret),
                await SendAsync(http, HttpMethod.Post, drain, Secret),
                await status.GetAsync(Path, Secret),
                await SendAsync(http, HttpMethod.Delete, drain, Secret));
        });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.Status);
        Assert.Equal("POST, DELETE", get.Allow);
        Assert.Equal(HttpStatusCode.OK, drained.Status);
        Assert.False(JsonDocument.Parse(drained.Body).RootElement.GetProperty("accepting").GetBoolean());
        Assert.Equal("draining", JsonDocument.Parse(drained.Body).RootElement.GetProperty("mode").GetString());
        Assert.False(Read(stillDrained).GetProperty("accepting").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, resumed.Status);
        Assert.True(JsonDocument.Parse(resumed.Body).RootElement.GetProperty("accepting").GetBoolean());
        Assert.Equal("normal", JsonDocument.Parse(resumed.Body).RootElement.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Status_NoFleetSecret_IsNotServed()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("crunchy01", ["fenced"]);
        using var cli = new CliRun();
        using var status = new StatusClient();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, runner.Uuid, runner.Token, "fenced:host");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\nhttp:\n  listen: {status.Listen}\n");

        var answer = await WhileRunningAsync(cli, async () =>
        {
            await status.WaitAsync("/readyz", a => a.Status == HttpStatusCode.OK, TestTimeouts.Default);
            return await status.GetAsync(Path, Secret);
        });

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
    }

    [Fact]
    public async Task Daemon_FleetSecretFileEmpty_ExitsConfigurationNamingTheKey()
    {
        using var cli = new CliRun();
        using var status = new StatusClient();
        cli.Write(".runner", "{}");
        cli.Write("fleet", "\n");
        cli.Write("config.yaml", $"http:\n  listen: {status.Listen}\nstandby:\n  fleet_secret_file: fleet\n");

        var code = await cli.RunAsync("daemon", "-c", "config.yaml");

        Assert.Equal(3, code);
        RegisterCommandTests.AssertOneLineError(cli, "standby.fleet_secret_file: " + cli.Path_("fleet") + " is empty");
    }

    private static async Task<(HttpStatusCode Status, string Body, string Allow)> SendAsync(HttpClient http, HttpMethod method, Uri uri, string? bearer)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), string.Join(", ", response.Content.Headers.Allow));
    }

    private static JsonElement Read(StatusAnswer answer) => JsonDocument.Parse(answer.Body).RootElement.Clone();

    /// <summary>Runs a daemon until <paramref name="probe"/> is done, then stops it.</summary>
    private static async Task<T> WhileRunningAsync<T>(CliRun cli, Func<Task<T>> probe)
    {
        using var stop = new CancellationTokenSource();
        var daemon = cli.RunAsync(stop.Token, "daemon", "-c", "config.yaml");
        try
        {
            return await probe();
        }
        finally
        {
            await stop.CancelAsync();
            Assert.True(await daemon.WaitAsync(TestTimeouts.Default) == 0, cli.Error);
        }
    }
}
