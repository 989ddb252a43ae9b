using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;
using static KubeRunner.Testing.Tests.FakeForgeTests.PingAndRegisterTests;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class AuthAndDeclareTests : ForgeTestBase
{
    public static TheoryData<string> RunnerProcedures =>
        [ConnectTestClient.Declare, ConnectTestClient.FetchTask, ConnectTestClient.UpdateTask, ConnectTestClient.UpdateLog];

    [Theory]
    [MemberData(nameof(RunnerProcedures))]
    public async Task RunnerProcedure_NoCredentials_Unauthenticated(string procedure)
    {
        var reply = await Anonymous.CallAsync<DeclareResponse>(procedure, new DeclareRequest());

        AssertError(reply, 401, ConnectCode.Unauthenticated, "unregistered runner");
    }

    [Fact]
    public async Task Declare_WrongToken_Unauthenticated()
    {
        var (runner, client) = NewRunner(["docker"]);
        client.Token = new string('0', 40);

        var reply = await client.CallAsync<DeclareResponse>(ConnectTestClient.Declare, new DeclareRequest());

        AssertError(reply, 401, ConnectCode.Unauthenticated, "unregistered runner");
        Assert.Null(Forge.FindRunner(runner.Uuid)!.LastOnline);
    }

    [Fact]
    public async Task Declare_UnknownUuid_Unauthenticated()
    {
        var (runner, client) = NewRunner(["docker"]);
        client.Uuid = Guid.NewGuid().ToString();
        client.Token = runner.Token;

        var reply = await client.CallAsync<DeclareResponse>(ConnectTestClient.Declare, new DeclareRequest());

        AssertError(reply, 401, ConnectCode.Unauthenticated, "unregistered runner");
    }

    [Fact]
    public async Task Declare_Registered_ReplacesLabelsAndVersionWithoutToken()
    {
        var (runner, client) = NewRunner(["old"]);
        var request = new DeclareRequest { Version = "v12.2.0" };
        request.Labels.Add(["docker", "lxc"]);

        var declared = (await client.OkAsync<DeclareResponse>(ConnectTestClient.Declare, request)).Runner;

        Assert.Equal(["docker", "lxc"], declared.Labels);
        Assert.Equal("v12.2.0", declared.Version);
        Assert.Equal("", declared.Token);
        Assert.Equal((runner.Id, runner.Uuid, runner.Name), (declared.Id, declared.Uuid, declared.Name));
        Assert.Equal(["docker", "lxc"], Forge.FindRunner(runner.Uuid)!.Labels);
    }

    [Fact]
    public async Task FetchTask_Authenticated_RecordsLastOnlineButNotLastActive()
    {
        var (runner, client) = NewRunner(["docker"]);

        await FetchAsync(client);

        var stored = Forge.FindRunner(runner.Uuid)!;
        Assert.NotNull(stored.LastOnline);
        Assert.Null(stored.LastActive);
    }

    [Fact]
    public async Task UpdateLog_Authenticated_RecordsLastActive()
    {
        var (runner, client) = NewRunner(["docker"]);
        var task = await AssignTaskAsync(client);

        await UpdateLogAsync(client, task.Id, 0, ["line"]);

        var stored = Forge.FindRunner(runner.Uuid)!;
        Assert.NotNull(stored.LastActive);
        Assert.NotNull(stored.LastOnline);
    }
}
