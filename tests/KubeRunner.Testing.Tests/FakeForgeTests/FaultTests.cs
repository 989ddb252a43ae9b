using System.Text;
using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class FaultTests : ForgeTestBase
{
    [Fact]
    public async Task FailNext_Default_UnavailableWithoutEffectThenNormal()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        Forge.Faults.FailNext(ForgeMethod.FetchTask, 2);

        var first = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());
        var second = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());
        var unassigned = Forge.FindTaskForJob(jobId);
        var third = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest());

        AssertError(first, 503, ConnectCode.Unavailable, "injected failure");
        AssertError(second, 503, ConnectCode.Unavailable, "injected failure");
        Assert.Null(unassigned);
        Assert.NotNull(third.Message!.Task);
    }

    [Fact]
    public async Task FailNext_CustomStatusAndCode_AnswersThem()
    {
        Forge.Faults.FailNext(ForgeMethod.Ping, 1, 500, ConnectCode.Internal, "database is locked");

        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());

        AssertError(reply, 500, ConnectCode.Internal, "database is locked");
        Assert.Equal(ConnectCode.Internal, Assert.Single(Forge.Journal.Requests).ErrorCode);
    }

    [Fact]
    public async Task FailRandomly_SameSeed_SameSequenceOfFailures()
    {
        var first = await RandomFailurePatternAsync(Forge, seed: 42);
        await using var other = await Forge.StartAsync();

        var second = await RandomFailurePatternAsync(other, seed: 42);

        Assert.Equal(first, second);
        Assert.Contains('x', first);
        Assert.Contains('.', first);
    }

    [Fact]
    public async Task DropResponseNext_UpdateLog_StoresRowsButClientSeesTransportError()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        Forge.Faults.DropResponseNext(ForgeMethod.UpdateLog, 1);

        await Assert.ThrowsAsync<HttpRequestException>(() => UpdateLogAsync(client, task.Id, 0, ["a", "b"]));
        var retry = await UpdateLogAsync(client, task.Id, 0, ["a", "b"]);

        Assert.Equal(2, retry.Message!.AckIndex);
        Assert.Equal(2, Forge.GetTask(task.Id).LogRows.Count);
        var dropped = Assert.Single(Forge.Journal.Requests, r => r.ResponseDropped);
        Assert.Equal((ForgeMethod.UpdateLog, 0), (dropped.Method, dropped.StatusCode));
    }

    [Fact]
    public async Task DropResponseNext_FetchTaskWithRequestKey_TaskRecoveredOnRetry()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        Forge.Faults.DropResponseNext(ForgeMethod.FetchTask, 1);

        await Assert.ThrowsAsync<HttpRequestException>(() => FetchAsync(client, requestKey: "k"));
        var retry = await FetchAsync(client, requestKey: "k");

        Assert.Equal(Forge.FindTaskForJob(jobId)!.Id, retry.Task.Id);
        Assert.Equal(0, retry.TasksVersion);
    }

    [Fact]
    public async Task DropResponseRandomly_Seeded_EveryCallIsProcessed()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        Forge.Faults.DropResponseRandomly(ForgeMethod.UpdateLog, 0.5, seed: 7);
        var dropped = 0;

        for (var i = 0; i < 10; i++)
        {
            try
            {
                await UpdateLogAsync(client, task.Id, i, ["row " + i]);
            }
            catch (HttpRequestException)
            {
                dropped++;
            }
        }

        Assert.InRange(dropped, 1, 9);
        Assert.Equal(10, Forge.GetTask(task.Id).LogRows.Count);
        Assert.Equal(dropped, Forge.Journal.Requests.Count(r => r.ResponseDropped));
    }

    [Fact]
    public async Task Delay_LongerThanClientDeadline_ClientTimesOut()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.Faults.Delay(ForgeMethod.FetchTask, TimeSpan.FromSeconds(30));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest(), cancellationToken: deadline.Token));

        Assert.Equal(1, Forge.Journal.Count(ForgeMethod.FetchTask));
    }

    [Fact]
    public async Task Delay_Zero_TurnsTheDelayOff()
    {
        Forge.Faults.Delay(ForgeMethod.Ping, TimeSpan.FromSeconds(30));
        Forge.Faults.Delay(ForgeMethod.Ping, TimeSpan.Zero);

        var reply = await Anonymous.OkAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest { Data = "quick" });

        Assert.Equal("Hello, quick!", reply.Data);
    }

    [Fact]
    public async Task AnswerAsProxyNext_Default_BadGatewayHtmlOnce()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.Faults.AnswerAsProxyNext(ForgeMethod.UpdateTask, 1);
        var task = await AssignTaskAsync(client);

        var proxied = await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });
        var direct = await UpdateTaskAsync(client, new TaskState { Id = task.Id });

        Assert.Equal((502, "text/html"), (proxied.StatusCode, proxied.ContentType));
        Assert.Contains("502 Bad Gateway", Encoding.UTF8.GetString(proxied.Body), StringComparison.Ordinal);
        Assert.Null(proxied.ErrorCode);
        Assert.Equal(Result.Unspecified, direct.Message!.State.Result);
    }

    [Fact]
    public async Task DeclareUnimplemented_Set_AnswersUnimplemented501()
    {
        var (_, client) = NewRunner(["docker"]);
        Forge.Faults.DeclareUnimplemented = true;

        var reply = await client.CallAsync<DeclareResponse>(ConnectTestClient.Declare, new DeclareRequest { Version = "v1" });

        AssertError(reply, 501, ConnectCode.Unimplemented, "runner.v1.RunnerService.Declare is not implemented");
    }

    [Fact]
    public async Task Hold_CallInProgress_WaitsUntilReleased()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        var gate = Forge.Faults.Hold(ForgeMethod.UpdateLog);

        var pending = UpdateLogAsync(client, task.Id, 0, ["held"]);
        await gate.WaitForCallAsync(WaitLimit);
        var storedWhileHeld = Forge.GetTask(task.Id).LogRows.Count;
        gate.Release();
        var reply = await pending;

        Assert.Equal(0, storedWhileHeld);
        Assert.Equal(1, gate.HeldCalls);
        Assert.Equal(1, reply.Message!.AckIndex);
    }

    [Fact]
    public async Task Reset_AfterFaults_CallsSucceedAgain()
    {
        Forge.Faults.FailNext(ForgeMethod.Ping, 5);
        Forge.Faults.AnswerAsProxyNext(ForgeMethod.Ping, 5);
        Forge.Faults.DeclareUnimplemented = true;

        Forge.Faults.Reset();
        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());

        Assert.Equal(200, reply.StatusCode);
        Assert.False(Forge.Faults.DeclareUnimplemented);
    }

    [Fact]
    public async Task Journal_FaultedCalls_AreCounted()
    {
        Forge.Faults.FailNext(ForgeMethod.Ping, 1);

        await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());
        await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());

        Assert.Equal(2, Forge.Journal.Count(ForgeMethod.Ping));
        Assert.Equal([503, 200], Forge.Journal.Requests.Select(r => r.StatusCode));
    }

    private static async Task<string> RandomFailurePatternAsync(Forge forge, int seed)
    {
        forge.Faults.FailRandomly(ForgeMethod.Ping, 0.5, seed);
        using var client = new ConnectTestClient(forge);
        var pattern = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            var reply = await client.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest());
            pattern.Append(reply.StatusCode == 503 ? 'x' : '.');
        }

        return pattern.ToString();
    }
}
