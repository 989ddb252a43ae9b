using System.Text.Json;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Cli;

public sealed class CreateRunnerFileCommandTests
{
    private const string Secret = "7e577e577e577e577e577e577e577e577e577e57";

    [Fact]
    public async Task CreateRunnerFile_WithConnect_WritesFileForgejoAccepts()
    {
        await using var forge = await FakeForge.StartAsync();
        var registered = forge.RegisterRunnerFromSecret(Secret, "offline");
        using var cli = new CliRun();

        var code = await cli.RunAsync("create-runner-file", "--instance", forge.Url.ToString(), "--secret", Secret, "--name", "offline", "--connect");

        Assert.Equal(0, code);
        using var file = JsonDocument.Parse(File.ReadAllText(cli.RunnerFile));
        Assert.Equal("37653537-3765-3537-3765-353737653537", file.RootElement.GetProperty("uuid").GetString());
        Assert.Equal(registered.Uuid, file.RootElement.GetProperty("uuid").GetString());
        Assert.Equal(Secret, file.RootElement.GetProperty("token").GetString());
        Assert.Equal(0, file.RootElement.GetProperty("id").GetInt64());
        Assert.Contains("The forge accepts the secret", cli.Out, StringComparison.Ordinal);
        Assert.Contains(forge.Journal.Requests, r => r.Method == ForgeMethod.Declare && r.StatusCode == 200);
    }

    [Fact]
    public async Task CreateRunnerFile_ConnectButForgeDoesNotKnowTheSecret_ExitsForgeRejected()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();

        var code = await cli.RunAsync("create-runner-file", "--instance", forge.Url.ToString(), "--secret", Secret, "--connect");

        Assert.Equal(4, code);
        RegisterCommandTests.AssertOneLineError(cli, "the forge does not accept the secret: unregistered runner");
    }

    [Theory]
    [InlineData("abc", "40")]
    [InlineData("zz577e577e577e577e577e577e577e577e577e57", "hexadecimal")]
    public async Task CreateRunnerFile_BadSecret_ExitsUsage(string secret, string problem)
    {
        using var cli = new CliRun();

        var code = await cli.RunAsync("create-runner-file", "--instance", "http://127.0.0.1:1/", "--secret", secret);

        Assert.Equal(2, code);
        RegisterCommandTests.AssertOneLineError(cli, problem);
        Assert.False(File.Exists(cli.RunnerFile));
    }

    [Fact]
    public async Task CreateRunnerFile_MissingRequiredOptions_ExitsUsage()
    {
        using var cli = new CliRun();

        var code = await cli.RunAsync("create-runner-file", "--instance", "http://127.0.0.1:1/");

        Assert.Equal(2, code);
        Assert.Contains("--secret", cli.Error, StringComparison.Ordinal);
    }
}
