using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Standby.ForgeApi;

/// <summary>The standby's client for Forgejo's jobs and runner lists, against the fake forge's emulated releases.</summary>
public sealed class ForgeActionsApiTests
{
    private const string Workflow = "name: t\non: push\njobs:\n  build:\n    runs-on: fenced\n    steps:\n      - run: echo hi\n";

    [Fact]
    public async Task ListWaitingJobs_Forgejo15Admin_OnlyWaitingJobsForTheLabelsKeyedByHandle()
    {
        await using var forge = await FakeForge.StartAsync();
        var runner = forge.AddRunner("crunchy01", ["fenced"]);
        var taken = Enqueue(forge, "fenced");
        await FetchAsync(forge, runner);
        var waiting = Enqueue(forge, "fenced");
        Enqueue(forge, "fenced", "gpu");
        Enqueue(forge, "other");
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = Api(http, forge, forge.AddApiToken(FakeApiScope.Admin), "admin");

        var result = await api.ListWaitingJobsAsync(["fenced", "docker"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Ok, result.Outcome);
        var job = Assert.Single(result.Value!);
        var handle = forge.GetJob(waiting).Handle;
        // Records compare lists by reference: the expected one borrows the answer's list, checked on its own below.
        Assert.Equal(new WaitingJob(handle, waiting, handle, 1, "build", job.RunsOn), job);
        Assert.Equal(["fenced"], job.RunsOn);
        Assert.NotEqual(taken, job.Id);
        Assert.Equal(1, forge.ApiCalls.Count("/api/v1/admin/actions/runners/jobs"));
        Assert.Equal("?labels=fenced,docker", forge.ApiCalls.Calls[0].Query);
    }

    [Fact]
    public async Task ListWaitingJobs_Forgejo11Admin_FallsBackToTheOldPathOnceAndKeysByIdAndAttempt()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { ApiLevel = FakeForgeApiLevel.Forgejo11 });
        var jobId = Enqueue(forge, "fenced");
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = Api(http, forge, forge.AddApiToken(FakeApiScope.Admin), "admin");

        var first = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);
        var second = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Ok, second.Outcome);
        Assert.Equal(first.Value, second.Value, (a, b) => a.Key == b.Key);
        var job = Assert.Single(second.Value!);
        Assert.Equal($"{jobId}/0", job.Key);
        Assert.Null(job.Handle);
        Assert.Equal(1, forge.ApiCalls.Count("/api/v1/admin/actions/runners/jobs"));
        Assert.Equal(2, forge.ApiCalls.Count("/api/v1/admin/runners/jobs"));
    }

    [Fact]
    public async Task ListRunners_Forgejo11_Unsupported()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { ApiLevel = FakeForgeApiLevel.Forgejo11 });
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = Api(http, forge, forge.AddApiToken(FakeApiScope.Org("acme")), "org/acme");

        var runners = await api.ListRunnersAsync(CancellationToken.None);
        var jobs = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Unsupported, runners.Outcome);
        Assert.Contains("/api/v1/orgs/acme/actions/runners", runners.Problem, StringComparison.Ordinal);
        Assert.Equal(ForgeApiOutcome.Ok, jobs.Outcome);
        Assert.Empty(jobs.Value!);
    }

    [Fact]
    public async Task BothLists_BeforeForgejo11_Unsupported()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { ApiLevel = FakeForgeApiLevel.None });
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = Api(http, forge, forge.AddApiToken(FakeApiScope.Admin), "admin");

        var jobs = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);
        var runners = await api.ListRunnersAsync(CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Unsupported, jobs.Outcome);
        Assert.Equal(ForgeApiOutcome.Unsupported, runners.Outcome);
        Assert.Equal(1, forge.ApiCalls.Count("/api/v1/admin/runners/jobs"));
    }

    [Theory]
    [InlineData("org/acme", "acme/app")]
    [InlineData("repo/acme/app", "acme/app")]
    [InlineData("user", "alice/tools")]
    public async Task ListWaitingJobs_ScopeBelowAdmin_ReadsItsLevelOnly(string scopeText, string repository)
    {
        await using var forge = await FakeForge.StartAsync();
        var inScope = Enqueue(forge, repository, ["fenced"]);
        Enqueue(forge, "elsewhere/repo", ["fenced"]);
        using var http = ForgeHttp.CreateClient(insecure: false);
        var scope = scopeText == "user" ? FakeApiScope.User("alice") : scopeText.StartsWith("org", StringComparison.Ordinal)
            ? FakeApiScope.Org("acme") : FakeApiScope.Repo("acme", "app");
        var api = Api(http, forge, forge.AddApiToken(scope), scopeText);

        var result = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Ok, result.Outcome);
        Assert.Equal([inScope], result.Value!.Select(j => j.Id));
    }

    [Fact]
    public async Task BothLists_TokenWithoutRightsAtTheScope_RefusedNamingTheScopeButNotTheToken()
    {
        await using var forge = await FakeForge.StartAsync();
        using var http = ForgeHttp.CreateClient(insecure: false);
        var token = forge.AddApiToken(FakeApiScope.Repo("acme", "app"));
        var api = Api(http, forge, token, "org/acme");
        var unknown = Api(http, forge, "0123456789abcdef0123456789abcdef01234567", "admin");

        var jobs = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);
        var runners = await api.ListRunnersAsync(CancellationToken.None);
        var anonymous = await unknown.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Refused, jobs.Outcome);
        Assert.Equal(ForgeApiOutcome.Refused, runners.Outcome);
        Assert.Contains("org/acme", jobs.Problem, StringComparison.Ordinal);
        Assert.Contains("read:organization", jobs.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(token, jobs.Problem, StringComparison.Ordinal);
        Assert.Equal(ForgeApiOutcome.Refused, anonymous.Outcome);
        Assert.Contains("HTTP 401", anonymous.Problem, StringComparison.Ordinal);
        // A refusal is not an absent endpoint: the admin client does not go on to the old path.
        Assert.Equal(0, forge.ApiCalls.Count("/api/v1/admin/runners/jobs"));
    }

    [Fact]
    public async Task ListRunners_MorePagesThanOne_AllRunnersWithTheirStatus()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { TimeProvider = time });
        var runners = Enumerable.Range(0, 120).Select(i => forge.AddRunner($"r{i}", ["fenced"])).ToList();
        forge.MarkRunnerSeen(runners[0].Uuid);
        time.Advance(TimeSpan.FromSeconds(30));
        forge.MarkRunnerSeen(runners[1].Uuid, active: true);
        forge.MarkRunnerSeen(runners[2].Uuid);
        time.Advance(TimeSpan.FromSeconds(31));
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = Api(http, forge, forge.AddApiToken(FakeApiScope.Admin), "admin");

        var result = await api.ListRunnersAsync(CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Ok, result.Outcome);
        Assert.Equal(runners.Select(r => r.Uuid), result.Value!.Select(r => r.Uuid));
        Assert.Equal(ForgeRunnerState.Offline, result.Value![0].Status);
        Assert.Equal(ForgeRunnerState.Idle, result.Value[1].Status);
        Assert.Equal(ForgeRunnerState.Idle, result.Value[2].Status);
        Assert.Equal("r2", result.Value[2].Name);
        Assert.Equal(3, forge.ApiCalls.Count("/api/v1/admin/actions/runners"));
        Assert.All(forge.ApiCalls.Calls, c => Assert.Contains("limit=50", c.Query, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("offline", "Offline")]
    [InlineData("idle", "Idle")]
    [InlineData("Active", "Active")]
    [InlineData("online", "Idle")]
    [InlineData("sleeping", "Idle")]
    [InlineData(null, "Idle")]
    public void MapStatus_WordFromTheForge_UnknownWordsNeverReadAsOffline(string? word, string expected) =>
        Assert.Equal(Enum.Parse<ForgeRunnerState>(expected), ForgeActionsApi.MapStatus(word));

    [Fact]
    public async Task ListWaitingJobs_InstanceUnderSubPathWithTls_ReachedThroughTheInsecureClient()
    {
        await using var forge = await FakeForge.StartAsync(new FakeForgeOptions { BasePath = "/forgejo", UseTls = true });
        var jobId = Enqueue(forge, "fenced");
        using var http = ForgeHttp.CreateClient(insecure: true);
        using var strict = ForgeHttp.CreateClient(insecure: false);
        var token = forge.AddApiToken(FakeApiScope.Admin);

        var result = await Api(http, forge, token, "admin").ListWaitingJobsAsync(["fenced"], CancellationToken.None);
        var untrusted = await Api(strict, forge, token, "admin").ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal([jobId], result.Value!.Select(j => j.Id));
        Assert.Equal(ForgeApiOutcome.Failed, untrusted.Outcome);
    }

    [Fact]
    public async Task BothLists_NothingListens_FailedWithoutThrowing()
    {
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = new ForgeActionsApi(http, RawHttpServer.ClosedPortUrl(), "secret-token-value", Scope("admin"));

        var jobs = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);
        var runners = await api.ListRunnersAsync(CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Failed, jobs.Outcome);
        Assert.Contains("could not reach", jobs.Problem, StringComparison.Ordinal);
        Assert.Equal(ForgeApiOutcome.Failed, runners.Outcome);
    }

    [Fact]
    public async Task ListWaitingJobs_ServerNeverAnswers_FailedAfterTheCallTimeout()
    {
        using var server = new RawHttpServer(response: null);
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = new ForgeActionsApi(http, server.Url, "t", Scope("admin"), TimeSpan.FromMilliseconds(300));

        var result = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Failed, result.Outcome);
        Assert.Contains("did not answer", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListWaitingJobs_CallerCancels_Throws()
    {
        using var server = new RawHttpServer(response: null);
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = new ForgeActionsApi(http, server.Url, "t", Scope("admin"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.ListWaitingJobsAsync(["fenced"], cancel.Token));
    }

    [Theory]
    [InlineData(500, "application/json", "{\"message\":\"boom\"}", "HTTP 500")]
    [InlineData(502, "text/html", "<html>bad gateway</html>", "HTTP 502")]
    [InlineData(200, "application/json", "{\"not\":\"a list\"}", "not the expected JSON")]
    [InlineData(200, "text/html", "<html>login</html>", "not the expected JSON")]
    public async Task ListWaitingJobs_ServerError_Failed(int status, string contentType, string body, string expected)
    {
        using var server = new RawHttpServer(RawHttpServer.Response(status, contentType, body));
        using var http = ForgeHttp.CreateClient(insecure: false);
        var api = new ForgeActionsApi(http, server.Url, "t", Scope("repo/acme/app"));

        var result = await api.ListWaitingJobsAsync(["fenced"], CancellationToken.None);

        Assert.Equal(ForgeApiOutcome.Failed, result.Outcome);
        Assert.Contains(expected, result.Problem, StringComparison.Ordinal);
    }

    private static ForgeActionsApi Api(HttpClient http, FakeForge forge, string token, string scope) =>
        new(http, forge.Url, token, Scope(scope));

    private static ForgeApiScope Scope(string text) =>
        ForgeApiScope.TryParse(text, out var problem) ?? throw new ArgumentException(problem, nameof(text));

    private static long Enqueue(FakeForge forge, params string[] runsOn) => Enqueue(forge, "owner/repo", runsOn);

    private static long Enqueue(FakeForge forge, string repository, string[] runsOn) =>
        forge.EnqueueJob(new FakeJob { WorkflowYaml = Workflow, RunsOn = runsOn, Repository = repository });

    private static async Task FetchAsync(FakeForge forge, FakeRunner runner)
    {
        using var http = new HttpClient(forge.CreateHttpHandler());
        var client = new KubeRunner.Agent.Forge.ForgeClient(http, forge.Url, new KubeRunner.Agent.Forge.RunnerCredentials(runner.Uuid, runner.Token), TimeSpan.FromSeconds(10));
        var response = await client.FetchTaskAsync(new KubeRunner.Protocol.Runner.V1.FetchTaskRequest(), Guid.NewGuid().ToString(), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(response.Task);
    }
}
