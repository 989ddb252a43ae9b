using System.Runtime.Versioning;
using System.Text.Json;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Cli;

public sealed class RegisterCommandTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Register_NonInteractive_RegistersAndWritesRunnerFile()
    {
        await using var forge = await FakeForge.StartAsync();
        var token = forge.AddRegistrationToken();
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", forge.Url.ToString(), "--token", token,
            "--name", "crunchy-k8s", "--labels", "ubuntu-latest:docker://node:22-bookworm, self-hosted:host", "--label", "heavy");

        Assert.Equal(0, code);
        var runner = Assert.Single(forge.Runners);
        Assert.Equal("crunchy-k8s", runner.Name);
        Assert.Equal(["ubuntu-latest", "self-hosted", "heavy"], runner.Labels);
        using var file = JsonDocument.Parse(File.ReadAllText(cli.RunnerFile));
        Assert.Equal(runner.Uuid, file.RootElement.GetProperty("uuid").GetString());
        Assert.Equal(runner.Token, file.RootElement.GetProperty("token").GetString());
        Assert.Equal(forge.Url.ToString(), file.RootElement.GetProperty("address").GetString());
        Assert.Equal(
            ["ubuntu-latest:docker://node:22-bookworm", "self-hosted:host", "heavy:docker://node:22-bookworm"],
            file.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.RunnerFile));
        Assert.Contains("kube-runner daemon", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NoLabelsNoName_UsesForgejoRunnersDefaultLabelAndHostName()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", forge.Url.ToString(), "--token", forge.AddRegistrationToken());

        Assert.Equal(0, code);
        var runner = Assert.Single(forge.Runners);
        Assert.Equal("test-host", runner.Name);
        Assert.Equal(["docker"], runner.Labels);
        Assert.Contains("docker:docker://data.forgejo.org/oci/node:20-bullseye", File.ReadAllText(cli.RunnerFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WrongToken_ExitsForgeRejectedWithOneLine()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", forge.Url.ToString(), "--token", "not-a-token");

        Assert.Equal(4, code);
        AssertOneLineError(cli, "the forge refused the registration: runner registration token not found");
        Assert.False(File.Exists(cli.RunnerFile));
    }

    [Fact]
    public async Task Register_InstanceUnreachable_ExitsForgeUnreachableAfterTheWait()
    {
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", "http://127.0.0.1:1/", "--token", "t", "--wait", "1s");

        Assert.Equal(5, code);
        Assert.Contains("kube-runner: cannot reach the Forgejo instance http://127.0.0.1:1/ within 1s", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NotAForgejo_ExitsForgeRejected()
    {
        await using var forge = await FakeForge.StartAsync();
        forge.Faults.AnswerAsProxyNext(ForgeMethod.Ping, 10, 404, "text/plain", "404 page not found");
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", forge.Url.ToString(), "--token", "t");

        Assert.Equal(4, code);
        AssertOneLineError(cli, "answered, but not as a Forgejo instance with Actions");
    }

    [Theory]
    [InlineData("--labels", "heavy:kube", "unknown scheme \"kube\"")]
    [InlineData("--label", "", "the name is empty")]
    [InlineData("--label", " spaced", "starts or ends with whitespace")]
    [InlineData("--label", "self:host:arg", "the host scheme takes no argument")]
    public async Task Register_InvalidLabel_ExitsUsageWithoutContactingTheForge(string option, string value, string problem)
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();

        var code = await cli.RunAsync("register", "--no-interactive", "--instance", forge.Url.ToString(), "--token", "t", option, value);

        Assert.Equal(2, code);
        AssertOneLineError(cli, problem);
        Assert.Empty(forge.Journal.Requests);
    }

    [Theory]
    [InlineData(new[] { "--instance", "http://127.0.0.1:1/" }, "--token is required")]
    [InlineData(new[] { "--token", "t" }, "--instance: the instance URL is empty")]
    [InlineData(new[] { "--instance", "forge.example", "--token", "t" }, "is not an http:// or https:// address")]
    [InlineData(new[] { "--instance", "http://x/", "--token", "t", "--wait", "soon" }, "--wait: 'soon' is not a duration")]
    public async Task Register_MissingOrBadArguments_ExitsUsage(string[] args, string problem)
    {
        using var cli = new CliRun();

        var code = await cli.RunAsync(["register", "--no-interactive", .. args]);

        Assert.Equal(2, code);
        Assert.Contains(problem, cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ConfigHasLabels_ThoseWinOverTheCommandLine()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        cli.Write("config.yaml", "runner:\n  labels: [\"fenced:docker://debian:bookworm\"]\n");

        var code = await cli.RunAsync("register", "-c", "config.yaml", "--no-interactive", "--instance", forge.Url.ToString(),
            "--token", forge.AddRegistrationToken(), "--label", "heavy");

        Assert.Equal(0, code);
        Assert.Equal(["fenced"], Assert.Single(forge.Runners).Labels);
        Assert.Contains("warning: the labels of the command line are ignored", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_Interactive_AsksForgejoRunnersQuestions()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun { Input = "\nnot a url\n" };
        cli.Input += $"{forge.Url}\n{forge.AddRegistrationToken()}\n\nbad:scheme\nheavy,light:host\n";

        var code = await cli.RunAsync("register");

        Assert.Equal(0, code);
        Assert.Contains("Enter the URL of the Forgejo instance", cli.Out, StringComparison.Ordinal);
        Assert.Contains("is not an http:// or https:// address", cli.Out, StringComparison.Ordinal);
        Assert.Contains("Enter the registration token", cli.Out, StringComparison.Ordinal);
        Assert.Contains("Invalid label \"bad:scheme\"", cli.Out, StringComparison.Ordinal);
        var runner = Assert.Single(forge.Runners);
        Assert.Equal("test-host", runner.Name);
        Assert.Equal(["heavy", "light"], runner.Labels);
    }

    [Fact]
    public async Task Register_InteractiveWithExistingRegistration_KeepsItUnlessConfirmed()
    {
        using var cli = new CliRun { Input = "n\n" };
        cli.Write(".runner", "{}");

        var code = await cli.RunAsync("register");

        Assert.Equal(0, code);
        Assert.Contains("Overwrite the registration? [y/N]", cli.Out, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(cli.RunnerFile));
    }

    [Fact]
    public async Task Register_InteractiveInputEnds_ExitsUsageWithAdvice()
    {
        using var cli = new CliRun { Input = "http://127.0.0.1:1/\n" };

        var code = await cli.RunAsync("register");

        Assert.Equal(2, code);
        AssertOneLineError(cli, "use --no-interactive with --instance and --token");
    }

    internal static void AssertOneLineError(CliRun cli, string expected)
    {
        var lines = cli.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("warning:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.StartsWith("kube-runner: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
