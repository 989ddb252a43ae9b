using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class ApiLevelForgejo11Tests : ForgeTestBase
{
    protected override FakeForgeOptions Options => new() { ApiLevel = FakeForgeApiLevel.Forgejo11, ServerVersion = "11.0.3" };

    [Fact]
    public async Task Api_Forgejo11_JobsWithoutHandleOnlyAtOldAdminPathAndNoRunnerLists()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var jobId = Enqueue("docker");

        var old = await api.GetAsync("api/v1/admin/runners/jobs?labels=docker", token);
        var repo = await api.GetAsync("api/v1/repos/owner/repo/actions/runners/jobs?labels=docker", token);
        var newPath = await api.GetAsync("api/v1/admin/actions/runners/jobs?labels=docker", token);
        var runners = await api.GetAsync("api/v1/admin/actions/runners", token);
        var version = await api.GetAsync("api/v1/version");

        Assert.Equal([jobId], old.Ids);
        Assert.False(old.Items[0].TryGetProperty("handle", out _));
        Assert.False(old.Items[0].TryGetProperty("attempt", out _));
        Assert.Equal([jobId], repo.Ids);
        Assert.Equal(404, newPath.Status);
        Assert.Equal(404, runners.Status);
        Assert.Equal("11.0.3", version.Json.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Jobs_Forgejo11WithoutLabels_FiltersOnEmptyLabelAndListsNothing()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        Enqueue("docker");

        var reply = await api.GetAsync("api/v1/admin/runners/jobs", token);

        Assert.Equal(200, reply.Status);
        Assert.Equal("null", reply.Body);
    }
}

public sealed class ApiLevelNoneTests : ForgeTestBase
{
    protected override FakeForgeOptions Options => new() { ApiLevel = FakeForgeApiLevel.None, ServerVersion = "10.0.1" };

    [Theory]
    [InlineData("api/v1/admin/runners/jobs?labels=docker")]
    [InlineData("api/v1/admin/actions/runners/jobs?labels=docker")]
    [InlineData("api/v1/repos/owner/repo/actions/runners/jobs?labels=docker")]
    [InlineData("api/v1/admin/actions/runners")]
    public async Task Api_BeforeForgejo11_EveryRunnerPathIs404EvenWithoutToken(string path)
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);

        Assert.Equal(404, (await api.GetAsync(path, token)).Status);
        Assert.Equal(404, (await api.GetAsync(path)).Status);
        Assert.Equal("10.0.1", (await api.GetAsync("api/v1/version")).Json.GetProperty("version").GetString());
    }
}

public sealed class ApiSubPathTests : ForgeTestBase
{
    protected override FakeForgeOptions Options => new() { BasePath = "/forgejo" };

    [Fact]
    public async Task Api_InstanceUnderSubPath_ServedBelowItAndConnectStillWorks()
    {
        using var api = new ApiTestClient(Forge);
        var token = Forge.AddApiToken(FakeApiScope.Admin);
        var (_, runner) = NewRunner(["docker"]);
        var jobId = Enqueue("docker");

        var listed = await api.GetAsync("api/v1/admin/actions/runners/jobs?labels=docker", token);
        var fetched = await FetchAsync(runner);

        Assert.Equal([jobId], listed.Ids);
        Assert.Equal(1, Forge.ApiCalls.Count("/api/v1/admin/actions/runners/jobs"));
        Assert.NotNull(fetched.Task);
    }
}
