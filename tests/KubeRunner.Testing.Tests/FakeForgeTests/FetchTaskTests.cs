using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class FetchTaskTests : ForgeTestBase
{
    [Fact]
    public async Task FetchTask_FreshForge_TasksVersionIsNeverZero()
    {
        var (_, client) = NewRunner(["docker"]);

        var response = await FetchAsync(client, tasksVersion: 0);

        Assert.Null(response.Task);
        Assert.Equal(1, response.TasksVersion);
    }

    [Fact]
    public async Task FetchTask_SameVersionAsLatest_CheapPathReturnsNoTaskEvenIfJobWaits()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        var latest = Forge.TasksVersion;

        var response = await FetchAsync(client, tasksVersion: latest);

        Assert.Null(response.Task);
        Assert.Equal(latest, response.TasksVersion);
        Assert.Null(Forge.FindTaskForJob(jobId));
    }

    [Fact]
    public async Task EnqueueJob_AfterFetch_BumpsTasksVersion()
    {
        var (_, client) = NewRunner(["docker"]);
        var before = (await FetchAsync(client)).TasksVersion;

        Enqueue("docker");
        var response = await FetchAsync(client, tasksVersion: before);

        Assert.True(response.TasksVersion > before);
        Assert.NotNull(response.Task);
    }

    [Theory]
    [InlineData(new[] { "docker" }, new[] { "docker", "lxc" }, true)]
    [InlineData(new[] { "docker", "lxc" }, new[] { "docker", "lxc", "x" }, true)]
    [InlineData(new[] { "docker", "gpu" }, new[] { "docker" }, false)]
    [InlineData(new[] { "Docker" }, new[] { "docker" }, false)]
    [InlineData(new[] { "self-hosted" }, new[] { "docker" }, false)]
    [InlineData(new[] { "docker" }, new string[0], false)]
    [InlineData(new string[0], new[] { "docker" }, false)]
    public async Task FetchTask_LabelMatching_EveryRunsOnEntryMustBeARunnerLabel(string[] runsOn, string[] runnerLabels, bool assigned)
    {
        var (_, client) = NewRunner(runnerLabels);
        var jobId = Enqueue(runsOn);

        var response = await FetchAsync(client);

        Assert.Equal(assigned, response.Task is not null);
        Assert.Equal(assigned, Forge.FindTaskForJob(jobId) is not null);
    }

    [Fact]
    public async Task FetchTask_TwoWaitingJobs_OneTaskPerCallInQueueOrder()
    {
        var (_, client) = NewRunner(["docker"]);
        var first = Enqueue("docker");
        var second = Enqueue("docker");

        var one = await FetchAsync(client);
        var two = await FetchAsync(client);
        var three = await FetchAsync(client);

        Assert.Equal(first, Forge.GetTask(one.Task.Id).JobId);
        Assert.Equal(second, Forge.GetTask(two.Task.Id).JobId);
        Assert.Null(three.Task);
    }

    [Fact]
    public async Task FetchTask_ConcurrentFetchesFromTwoRunners_JobAssignedExactlyOnce()
    {
        var clients = new[] { NewRunner(["docker"]).Client, NewRunner(["docker"]).Client };
        var jobId = Enqueue("docker");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => FetchAsync(clients[i % 2])));

        var received = Assert.Single(responses, r => r.Task is not null);
        Assert.Equal(jobId, Assert.Single(Forge.Tasks).JobId);
        Assert.Equal(Forge.FindTaskForJob(jobId)!.Id, received.Task.Id);
    }

    [Fact]
    public async Task FetchTask_EphemeralRunnerWithATask_GetsNoSecondTask()
    {
        var (_, client) = NewRunner(["docker"], ephemeral: true);
        Enqueue("docker");
        var second = Enqueue("docker");

        var first = await FetchAsync(client);
        var again = await FetchAsync(client);

        Assert.NotNull(first.Task);
        Assert.Null(again.Task);
        Assert.Null(Forge.FindTaskForJob(second));
    }

    [Fact]
    public async Task FetchTask_Assigned_CreatesOneStepRowPerStepAndRunningTask()
    {
        var (runner, client) = NewRunner(["docker"]);

        var task = await AssignTaskAsync(client);

        var stored = Forge.GetTask(task.Id);
        Assert.Equal(runner.Id, stored.RunnerId);
        Assert.Equal(Result.Unspecified, stored.Result);
        Assert.False(stored.IsDone);
        Assert.Equal([0L, 1L, 2L], stored.Steps.Select(s => s.Index));
        Assert.All(stored.Steps, s => Assert.Equal(Result.Unspecified, s.Result));
        Assert.Equal("assigned to runner " + runner.Id, Assert.Single(stored.Journal).Description);
    }
}
