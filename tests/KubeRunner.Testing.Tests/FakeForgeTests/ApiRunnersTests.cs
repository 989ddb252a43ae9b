using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class ApiRunnersTests : ForgeTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected override FakeForgeOptions Options => new() { TimeProvider = _time };

    [Fact]
    public async Task Runners_StatusFollowsLastOnlineAndLastActive_OfflineIdleActive()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var (runner, client) = NewRunner(["docker"]);
        async Task<string?> StatusAsync() =>
            (await api.GetAsync($"api/v1/admin/actions/runners/{runner.Id}", token)).Json.GetProperty("status").GetString();

        var neverSeen = await StatusAsync();
        var task = await AssignTaskAsync(client);
        var afterFetch = await StatusAsync();
        await UpdateTaskAsync(client, new TaskState { Id = task.Id });
        var afterUpdate = await StatusAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        var tenSecondsLater = await StatusAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        var elevenSecondsLater = await StatusAsync();
        _time.Advance(TimeSpan.FromSeconds(49));
        var sixtySecondsLater = await StatusAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        var sixtyOneSecondsLater = await StatusAsync();

        Assert.Equal("offline", neverSeen);
        Assert.Equal("idle", afterFetch);
        Assert.Equal("active", afterUpdate);
        Assert.Equal("active", tenSecondsLater);
        Assert.Equal("idle", elevenSecondsLater);
        Assert.Equal("idle", sixtySecondsLater);
        Assert.Equal("offline", sixtyOneSecondsLater);
        Assert.Equal("offline", Forge.RunnerStatus(runner.Uuid));
    }

    [Fact]
    public async Task Runners_List_PagesWithTotalCountAndForgejoShape()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var runners = Enumerable.Range(0, 35).Select(i => Forge.AddRunner($"r{i}", ["docker", "lxc"], version: "v1.2.3")).ToList();
        Forge.MarkRunnerSeen(runners[0].Uuid, active: true);

        var first = await api.GetAsync("api/v1/admin/actions/runners", token);
        var second = await api.GetAsync("api/v1/admin/actions/runners?page=2", token);
        var small = await api.GetAsync("api/v1/admin/actions/runners?page=3&limit=10", token);
        var capped = await api.GetAsync("api/v1/admin/actions/runners?limit=100", token);

        Assert.Equal(35, first.TotalCount);
        Assert.Equal(runners.Take(30).Select(r => r.Id), first.Ids);
        Assert.Equal(runners.Skip(30).Select(r => r.Id), second.Ids);
        Assert.Equal(runners.Skip(20).Take(10).Select(r => r.Id), small.Ids);
        Assert.Equal(35, capped.Ids.Count);
        var item = first.Items[0];
        Assert.Equal(runners[0].Uuid, item.GetProperty("uuid").GetString());
        Assert.Equal("r0", item.GetProperty("name").GetString());
        Assert.Equal("active", item.GetProperty("status").GetString());
        Assert.Equal("v1.2.3", item.GetProperty("version").GetString());
        Assert.Equal(0, item.GetProperty("owner_id").GetInt64());
        Assert.Equal(0, item.GetProperty("repo_id").GetInt64());
        Assert.Equal(["docker", "lxc"], item.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.False(item.GetProperty("ephemeral").GetBoolean());
        Assert.Equal("offline", first.Items[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Runners_Levels_ListOwnRunnersAndSeeInheritedOnes()
    {
        using var api = new ApiTestClient(Forge);
        var global = Forge.AddRunner("global", ["docker"]);
        var org = Forge.AddRunner("org", ["docker"], scope: FakeApiScope.Org("acme"));
        var repo = Forge.AddRunner("repo", ["docker"], scope: FakeApiScope.Repo("acme", "app"));
        var orgToken = Forge.AddApiToken(FakeApiScope.Org("acme"));
        var repoToken = Forge.AddApiToken(FakeApiScope.Repo("acme", "app"));

        Assert.Equal([org.Id], (await api.GetAsync("api/v1/orgs/acme/actions/runners", orgToken)).Ids);
        Assert.Equal([repo.Id], (await api.GetAsync("api/v1/repos/acme/app/actions/runners", repoToken)).Ids);
        Assert.Equal(200, (await api.GetAsync($"api/v1/repos/acme/app/actions/runners/{global.Id}", repoToken)).Status);
        Assert.Equal(200, (await api.GetAsync($"api/v1/repos/acme/app/actions/runners/{org.Id}", repoToken)).Status);
        Assert.Equal(404, (await api.GetAsync($"api/v1/orgs/acme/actions/runners/{repo.Id}", orgToken)).Status);
        Assert.Equal(403, (await api.GetAsync("api/v1/admin/actions/runners", orgToken)).Status);
    }

    [Fact]
    public async Task FetchTask_RepositoryRunner_TakesOnlyThatRepositorysJobs()
    {
        var runner = Forge.AddRunner("repo", ["docker"], scope: FakeApiScope.Repo("acme", "app"));
        var client = ClientFor(runner);
        Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "acme/lib" });
        var own = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "acme/app" });

        var response = await FetchAsync(client);

        Assert.Equal(own, Forge.GetTask(response.Task.Id).JobId);
    }

    [Fact]
    public async Task Jobs_ClaimedAfterAWait_SnapshotTellsTheAgeAtClaimByTheForgesClock()
    {
        var (_, client) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        var queuedAt = _time.GetUtcNow();

        _time.Advance(TimeSpan.FromSeconds(20));
        var before = Forge.GetJob(jobId);
        await FetchAsync(client);
        var after = Forge.GetJob(jobId);

        Assert.Equal(queuedAt, Forge.JobWaitingSince(jobId));
        Assert.Null(before.ClaimedAtAge);
        Assert.Equal(TimeSpan.FromSeconds(20), after.ClaimedAtAge);
        Assert.Equal(after.AssignedAt, Forge.FindTaskForJob(jobId)!.StartedAt);
    }
}
