using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class RequestKeyTests : ForgeTestBase
{
    [Fact]
    public async Task FetchTask_SameRequestKeyAgain_ReplaysTaskWithNewTokenAndVersionZero()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        var first = await FetchAsync(client, requestKey: "key-1");
        var latest = Forge.TasksVersion;

        var replay = await FetchAsync(client, tasksVersion: latest, requestKey: "key-1");

        Assert.Equal(first.Task.Id, replay.Task.Id);
        Assert.Equal(0, replay.TasksVersion);
        Assert.NotEqual(first.Task.Context.Fields["token"].StringValue, replay.Task.Context.Fields["token"].StringValue);
        var stored = Forge.FindTaskForJob(jobId)!;
        Assert.Equal(stored.Token, replay.Task.Context.Fields["token"].StringValue);
        Assert.Equal(stored.Token, replay.Task.Secrets["GITHUB_TOKEN"]);
        Assert.Equal("key-1", stored.RequestKey);
        Assert.Single(Forge.Tasks);
    }

    [Fact]
    public async Task FetchTask_ReplayOfFinishedTask_StillReplays()
    {
        var (_, client) = NewRunner(["docker"]);
        Enqueue("docker");
        var first = await FetchAsync(client, requestKey: "key-1");
        await UpdateTaskAsync(client, new TaskState { Id = first.Task.Id, Result = Result.Success });

        var replay = await FetchAsync(client, requestKey: "key-1");

        Assert.Equal(first.Task.Id, replay.Task.Id);
    }

    [Fact]
    public async Task FetchTask_NewRequestKey_PicksNormally()
    {
        var (_, client) = NewRunner(["docker"]);
        Enqueue("docker");
        var first = await FetchAsync(client, requestKey: "key-1");

        var next = await FetchAsync(client, requestKey: "key-2");

        Assert.NotNull(first.Task);
        Assert.Null(next.Task);
        Assert.NotEqual(0, next.TasksVersion);
    }

    [Fact]
    public async Task FetchTask_SameKeyFromAnotherRunner_DoesNotReplay()
    {
        var (_, owner) = NewRunner(["docker"]);
        var (_, other) = NewRunner(["docker"]);
        Enqueue("docker");
        await FetchAsync(owner, requestKey: "shared");

        var response = await FetchAsync(other, requestKey: "shared");

        Assert.Null(response.Task);
        Assert.NotEqual(0, response.TasksVersion);
    }

    [Fact]
    public async Task FetchTask_ConcurrentCallWithSameKey_InternalLockedError()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        var gate = Forge.Faults.Hold(ForgeMethod.FetchTask);
        var held = FetchAsync(client, requestKey: "key-1");
        await gate.WaitForCallAsync(WaitLimit);

        var concurrent = await client.CallAsync<FetchTaskResponse>(ConnectTestClient.FetchTask, new FetchTaskRequest(), "key-1");
        gate.Release();
        var first = await held;

        AssertError(concurrent, 500, ConnectCode.Internal, "request key is currently locked; retry soon");
        Assert.Equal(Forge.FindTaskForJob(jobId)!.Id, first.Task.Id);
    }

    [Fact]
    public async Task FetchTask_AfterLockReleased_SameKeyReplays()
    {
        var (_, client) = NewRunner(["docker"]);
        Enqueue("docker");
        using (var gate = Forge.Faults.Hold(ForgeMethod.FetchTask))
        {
            var held = FetchAsync(client, requestKey: "key-1");
            await gate.WaitForCallAsync(WaitLimit);
            gate.Release();
            await held;
        }

        var replay = await FetchAsync(client, requestKey: "key-1");

        Assert.Equal(0, replay.TasksVersion);
        Assert.NotNull(replay.Task);
    }
}
