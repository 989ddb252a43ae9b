using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class ApiJobsTests : ForgeTestBase
{
    private const string AdminJobs = "api/v1/admin/actions/runners/jobs";

    [Fact]
    public async Task Jobs_LabelsGiven_ListsOnlyJobsWhoseEveryRunsOnLabelIsAmongThem()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var docker = Enqueue("docker");
        var both = Enqueue("docker", "gpu");
        Enqueue("lxc");

        var reply = await api.GetAsync(AdminJobs + "?labels=docker,gpu", token);

        Assert.Equal(200, reply.Status);
        Assert.Equal([docker, both], reply.Ids);
    }

    [Fact]
    public async Task Jobs_Forgejo15_ListsFieldsWithHandleAndStatusWaitingThenRunning()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var (_, runner) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");

        var waiting = (await api.GetAsync(AdminJobs + "?labels=docker", token)).Items.Single();
        var task = (await FetchAsync(runner)).Task;
        var running = (await api.GetAsync(AdminJobs + "?labels=docker", token)).Items.Single();

        Assert.Equal(jobId, waiting.GetProperty("id").GetInt64());
        Assert.Equal(1, waiting.GetProperty("attempt").GetInt64());
        Assert.True(Guid.TryParse(waiting.GetProperty("handle").GetString(), out _));
        Assert.Equal(Forge.GetJob(jobId).Handle, waiting.GetProperty("handle").GetString());
        Assert.Equal("build", waiting.GetProperty("name").GetString());
        Assert.Equal(["docker"], waiting.GetProperty("runs_on").EnumerateArray().Select(l => l.GetString()));
        Assert.True(waiting.GetProperty("repo_id").GetInt64() > 0);
        Assert.True(waiting.GetProperty("owner_id").GetInt64() > 0);
        Assert.False(waiting.TryGetProperty("run_id", out _));
        Assert.Equal("waiting", waiting.GetProperty("status").GetString());
        Assert.Equal(0, waiting.GetProperty("task_id").GetInt64());
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(task.Id, running.GetProperty("task_id").GetInt64());
    }

    [Fact]
    public async Task Jobs_TaskFinished_JobNoLongerListedAndEmptyListIsNull()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var (_, runner) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(runner);

        Forge.CancelTask(task.Id);
        var reply = await api.GetAsync(AdminJobs + "?labels=docker", token);

        Assert.Equal("null", reply.Body);
    }

    [Fact]
    public async Task Jobs_NoLabelsParameterOnForgejo15_ListsEveryJob()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var first = Enqueue("docker");
        var second = Enqueue("lxc");

        var reply = await api.GetAsync(AdminJobs, token);

        Assert.Equal([first, second], reply.Ids);
    }

    [Theory]
    [InlineData("api/v1/admin/runners/jobs?labels=docker")]
    [InlineData("api/v1/admin/actions/runners/jobs?labels=docker")]
    [InlineData("api/v1/orgs/owner/actions/runners/jobs?labels=docker")]
    [InlineData("api/v1/repos/owner/repo/actions/runners/jobs?labels=docker")]
    [InlineData("api/v1/user/actions/runners/jobs?labels=docker")]
    public async Task Jobs_EveryPathOnForgejo15_ListsTheJobToAnAdmin(string path)
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var jobId = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "forge-admin/repo" });
        var other = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "owner/repo" });

        var reply = await api.GetAsync(path, token);

        Assert.Equal(200, reply.Status);
        // /user lists the caller's own jobs; the admin token belongs to forge-admin.
        Assert.Equal(path.Contains("/user/", StringComparison.Ordinal) ? [jobId] : path.Contains("owner", StringComparison.Ordinal) ? [other] : [jobId, other], reply.Ids);
    }

    [Fact]
    public async Task Jobs_LevelsAndScopes_EachTokenReadsItsOwnLevelOnly()
    {
        using var api = new ApiTestClient(Forge);
        var inAcme = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "acme/app" });
        var inAcmeLib = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "acme/lib" });
        var inAlice = Forge.EnqueueJob(new FakeJob { WorkflowYaml = ThreeStepWorkflow, RunsOn = ["docker"], Repository = "alice/tools" });
        var org = Forge.AddApiToken(FakeApiScope.Org("acme"));
        var repo = Forge.AddApiToken(FakeApiScope.Repo("acme", "app"));
        var user = Forge.AddApiToken(FakeApiScope.User("alice"));

        Assert.Equal([inAcme, inAcmeLib], (await api.GetAsync("api/v1/orgs/acme/actions/runners/jobs?labels=docker", org)).Ids);
        Assert.Equal([inAcme], (await api.GetAsync("api/v1/repos/acme/app/actions/runners/jobs?labels=docker", org)).Ids);
        Assert.Equal([inAcme], (await api.GetAsync("api/v1/repos/acme/app/actions/runners/jobs?labels=docker", repo)).Ids);
        Assert.Equal([inAlice], (await api.GetAsync("api/v1/user/actions/runners/jobs?labels=docker", user)).Ids);
        Assert.Equal(403, (await api.GetAsync("api/v1/orgs/acme/actions/runners/jobs?labels=docker", repo)).Status);
        Assert.Equal(403, (await api.GetAsync("api/v1/repos/acme/lib/actions/runners/jobs?labels=docker", repo)).Status);
        Assert.Equal(403, (await api.GetAsync("api/v1/orgs/other/actions/runners/jobs?labels=docker", org)).Status);
        Assert.Equal(403, (await api.GetAsync(AdminJobs + "?labels=docker", org)).Status);
        Assert.Equal(403, (await api.GetAsync("api/v1/user/actions/runners/jobs?labels=docker", repo)).Status);
    }

    [Fact]
    public async Task Jobs_MissingOrUnknownToken_Answers401WithMessage()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);

        var none = await api.GetAsync(AdminJobs);
        var unknown = await api.GetAsync(AdminJobs, "0000000000000000000000000000000000000000");
        var bearer = await api.GetAsync(AdminJobs, token, scheme: "Bearer");
        var post = await api.GetAsync(AdminJobs, token, method: HttpMethod.Post);

        Assert.Equal(401, none.Status);
        Assert.False(string.IsNullOrEmpty(none.Json.GetProperty("message").GetString()));
        Assert.Equal(401, unknown.Status);
        Assert.Equal(200, bearer.Status);
        Assert.Equal(405, post.Status);
    }

    [Fact]
    public async Task Jobs_HeldJob_ListedWaitingButNeverFetchedUntilReleased()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var (_, runner) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");
        Forge.HoldJob(jobId);

        var whileHeld = await FetchAsync(runner);
        var listed = (await api.GetAsync(AdminJobs + "?labels=docker", token)).Items.Single();
        Forge.ReleaseJob(jobId);
        var afterRelease = await FetchAsync(runner, whileHeld.TasksVersion);

        Assert.Null(whileHeld.Task);
        Assert.Equal("waiting", listed.GetProperty("status").GetString());
        Assert.NotNull(afterRelease.Task);
        Assert.Equal(jobId, Forge.GetTask(afterRelease.Task.Id).JobId);
    }

    [Fact]
    public async Task Jobs_Calls_JournalCountsThemPerPathWithoutTheToken()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);

        await api.GetAsync(AdminJobs + "?labels=docker", token);
        await api.GetAsync(AdminJobs + "?labels=docker");
        await api.GetAsync("api/v1/admin/runners/jobs?labels=docker", token);

        Assert.Equal(2, Forge.ApiCalls.Count("/" + AdminJobs));
        Assert.Equal(1, Forge.ApiCalls.Count("/api/v1/admin/runners/jobs"));
        Assert.Equal([200, 401, 200], Forge.ApiCalls.Calls.Select(c => c.StatusCode));
        Assert.Equal("?labels=docker", Forge.ApiCalls.Calls[0].Query);
        Assert.Empty(Forge.Journal.Requests);
    }
}
