using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class WaitingTests : ForgeTestBase
{
    [Fact]
    public async Task WaitForTaskAsync_ConditionMetLater_CompletesWithSnapshot()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);
        var waiting = Forge.WaitForTaskAsync(t => t.IsDone && t.LogArchived, WaitLimit);

        await UpdateLogAsync(client, task.Id, 0, ["done"], noMore: true);
        await UpdateTaskAsync(client, new TaskState { Id = task.Id, Result = Result.Success });
        var finished = await waiting;

        Assert.Equal(task.Id, finished.Id);
        Assert.Equal(Result.Success, finished.Result);
    }

    [Fact]
    public async Task WaitForTaskAsync_ConditionNeverMet_ThrowsTimeout()
    {
        var (_, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);

        await Assert.ThrowsAsync<TimeoutException>(() => Forge.WaitForTaskAsync(task.Id, t => t.IsDone, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task WaitForJobAssignedAsync_FetchedConcurrently_CompletesWithTask()
    {
        var (runner, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        var waiting = Forge.WaitForJobAssignedAsync(jobId, WaitLimit);

        var fetched = await FetchAsync(client);
        var assigned = await waiting;

        Assert.Equal(fetched.Task.Id, assigned.Id);
        Assert.Equal(runner.Id, assigned.RunnerId);
    }

    [Fact]
    public async Task WaitForRunnerAsync_RunnerDeclares_CompletesWithNewLabels()
    {
        var (runner, client) = NewRunner(["old"]);
        var waiting = Forge.WaitForRunnerAsync(r => r.Labels.Contains("new"), WaitLimit);
        var request = new DeclareRequest();
        request.Labels.Add("new");

        await client.OkAsync<DeclareResponse>(ConnectTestClient.Declare, request);

        Assert.Equal(runner.Id, (await waiting).Id);
    }

    [Fact]
    public async Task JournalWaitForAsync_RequestArrives_Completes()
    {
        var waiting = Forge.Journal.WaitForAsync(r => r.Method == ForgeMethod.Ping, WaitLimit);

        await Anonymous.CallAsync<KubeRunner.Protocol.Ping.V1.PingResponse>(ConnectTestClient.Ping, new KubeRunner.Protocol.Ping.V1.PingRequest());

        Assert.Equal(200, (await waiting).StatusCode);
    }

    [Fact]
    public async Task CancelTask_EphemeralRunner_StopsTaskAndDeletesRunner()
    {
        var (runner, client) = NewRunner(["docker"], ephemeral: true);
        var task = await AssignTaskAsync(client);

        Forge.CancelTask(task.Id);

        var stored = Forge.GetTask(task.Id);
        Assert.Equal(Result.Cancelled, stored.Result);
        Assert.NotNull(stored.StoppedAt);
        Assert.Null(Forge.FindRunner(runner.Uuid));
        Assert.Equal(["cancelled by user", "ephemeral runner deleted"], stored.Journal.Skip(1).Select(e => e.Description));
    }
}
