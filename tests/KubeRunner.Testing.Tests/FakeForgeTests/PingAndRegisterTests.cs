using KubeRunner.Protocol.Ping.V1;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Testing.Tests.FakeForgeTests;

public sealed class PingAndRegisterTests : ForgeTestBase
{
    [Fact]
    public async Task Ping_WithoutCredentials_EchoesHello()
    {
        var reply = await Anonymous.OkAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest { Data = "runner-1" });

        Assert.Equal("Hello, runner-1!", reply.Data);
    }

    [Fact]
    public async Task Ping_LargeAnswer_IsNotCompressed()
    {
        var reply = await Anonymous.CallAsync<PingResponse>(ConnectTestClient.Ping, new PingRequest { Data = new string('x', 4096) });

        Assert.Equal(200, reply.StatusCode);
        Assert.Null(reply.ContentEncoding);
        Assert.Equal(4096 + "Hello, !".Length, reply.Message!.Data.Length);
    }

    [Fact]
    public async Task Register_ValidToken_CreatesRunnerWithUuidV4AndHexToken()
    {
        var token = Forge.AddRegistrationToken();
        var request = new RegisterRequest { Name = "builder", Token = token, Version = "v12.1.0", Ephemeral = true };
        request.Labels.Add(["docker", "ubuntu-latest"]);

        var runner = (await Anonymous.OkAsync<RegisterResponse>(ConnectTestClient.Register, request)).Runner;

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", runner.Uuid);
        Assert.Matches("^[0-9a-f]{40}$", runner.Token);
        Assert.True(runner.Id > 0);
        Assert.Equal(["docker", "ubuntu-latest"], runner.Labels);
        Assert.Equal(RunnerStatus.Unspecified, runner.Status);
        var stored = Assert.Single(Forge.Runners);
        Assert.Equal((runner.Id, runner.Uuid, runner.Token), (stored.Id, stored.Uuid, stored.Token));
        Assert.Equal(("builder", "v12.1.0", true), (stored.Name, stored.Version, stored.Ephemeral));
        Assert.Equal(["docker", "ubuntu-latest"], stored.Labels);
    }

    [Fact]
    public async Task Register_DeprecatedLabelFields_AreIgnored()
    {
        var request = new RegisterRequest { Name = "old", Token = Forge.AddRegistrationToken() };
#pragma warning disable CS0612 // the deprecated fields are what this test sends
        request.AgentLabels.Add("docker");
        request.CustomLabels.Add("custom");
#pragma warning restore CS0612

        var runner = (await Anonymous.OkAsync<RegisterResponse>(ConnectTestClient.Register, request)).Runner;

        Assert.Empty(runner.Labels);
        Assert.Empty(Forge.FindRunner(runner.Uuid)!.Labels);
    }

    [Fact]
    public async Task Register_SameTokenTwice_CreatesTwoRunners()
    {
        var token = Forge.AddRegistrationToken("reusable-token");

        var first = await Anonymous.OkAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = "a", Token = token });
        var second = await Anonymous.OkAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = "b", Token = token });

        Assert.NotEqual(first.Runner.Uuid, second.Runner.Uuid);
        Assert.Equal(2, Forge.Runners.Count);
    }

    [Fact]
    public async Task Register_UnknownToken_InvalidArgumentNotFound()
    {
        var reply = await Anonymous.CallAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = "a", Token = "nope" });

        AssertError(reply, 400, ConnectCode.InvalidArgument, "runner registration token not found");
        Assert.Empty(Forge.Runners);
    }

    [Fact]
    public async Task Register_InvalidatedToken_InvalidArgumentInvalidated()
    {
        var token = Forge.AddRegistrationToken();
        Forge.InvalidateRegistrationToken(token);

        var reply = await Anonymous.CallAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = "a", Token = token });

        AssertError(reply, 400, ConnectCode.InvalidArgument, "runner registration token has been invalidated, please use the latest one");
    }

    [Theory]
    [InlineData("", "token")]
    [InlineData("name", "")]
    public async Task Register_MissingNameOrToken_InvalidArgumentMissing(string name, string token)
    {
        Forge.AddRegistrationToken("token");

        var reply = await Anonymous.CallAsync<RegisterResponse>(ConnectTestClient.Register, new RegisterRequest { Name = name, Token = token });

        AssertError(reply, 400, ConnectCode.InvalidArgument, "missing runner token, name");
    }

    [Fact]
    public async Task RegisterRunnerFromSecret_Secret_UuidFromFirst16CharactersAndTokenIsSecret()
    {
        const string secret = "0123456789abcdef0123456789abcdef01234567";

        var runner = Forge.RegisterRunnerFromSecret(secret, "cli-runner", ["docker"]);
        var client = ClientFor(runner);
        var declared = await client.OkAsync<DeclareResponse>(ConnectTestClient.Declare, new DeclareRequest { Version = "v1" });

        Assert.Equal("30313233-3435-3637-3839-616263646566", runner.Uuid);
        Assert.Equal(secret, runner.Token);
        Assert.Equal(runner.Uuid, declared.Runner.Uuid);
    }

    [Fact]
    public void RegisterRunnerFromSecret_SameSecretTwice_UpdatesTheRunner()
    {
        const string secret = "fedcba9876543210fedcba9876543210fedcba98";

        var first = Forge.RegisterRunnerFromSecret(secret, "one");
        var second = Forge.RegisterRunnerFromSecret(secret, "two");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("two", Assert.Single(Forge.Runners).Name);
    }

    internal static void AssertError<T>(ConnectReply<T> reply, int status, string code, string message)
    {
        Assert.Equal(status, reply.StatusCode);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal(code, reply.ErrorCode);
        Assert.Equal(message, reply.ErrorMessage);
    }
}
