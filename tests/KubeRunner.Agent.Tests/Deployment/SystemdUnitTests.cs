using System.ComponentModel;
using KubeRunner.Agent.Cli;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using Xunit.Abstractions;

namespace KubeRunner.Agent.Tests.Deployment;

/// <summary>
/// deploy/systemd/kube-runner.service starts a real kube-runner command on the config.yaml shipped
/// next to it, gives it time to shut down, and lets it write where that config points.
/// </summary>
public sealed class SystemdUnitTests(ITestOutputHelper output)
{
    private const string InstalledConfig = "/etc/kube-runner/config.yaml";

    private static readonly string Directory = Path.Combine(ExecutorBundle.RepositoryRoot(), "deploy", "systemd");

    private static SystemdUnit Unit { get; } = SystemdUnit.Parse(File.ReadAllText(Path.Combine(Directory, "kube-runner.service")));

    [Fact]
    public void ExecStart_OfTheUnit_IsTheDaemonOnTheShippedConfig()
    {
        var words = Unit.One("Service.ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("/usr/local/bin/kube-runner", words[0]);
        var parse = KubeRunnerCli.Build(Context()).Parse(words[1..]);
        Assert.Empty(parse.Errors);
        Assert.Equal("daemon", parse.CommandResult.Command.Name);
        Assert.Equal(InstalledConfig, parse.GetValue<string?>("--config"));
    }

    [Fact]
    public void Config_ShippedWithTheUnit_LoadsWithoutWarning()
    {
        var config = LoadShippedConfig();

        Assert.Empty(config.Warnings);
        Assert.Equal(["fenced:docker"], config.Runner.Labels);
        Assert.True(config.Docker.Profiles.ContainsKey("fenced"), "the fenced label has no Docker profile");
    }

    [Fact]
    public void TimeoutStopSec_OfTheUnit_OutlastsTheDaemonsOwnShutdown()
    {
        var config = LoadShippedConfig();

        var timeout = SystemdUnit.Duration(Unit.One("Service.TimeoutStopSec"));

        // The daemon waits shutdown_timeout for running jobs, then up to FinalReportAllowance for the
        // cancelled ones' post-cancel steps and final reports; systemd's SIGKILL must come after that.
        Assert.True(timeout > config.Runner.ShutdownTimeout + AgentHost.FinalReportAllowance,
            $"TimeoutStopSec {timeout} ≤ runner.shutdown_timeout {config.Runner.ShutdownTimeout} + {AgentHost.FinalReportAllowance}");
        Assert.Equal("SIGTERM", Unit.One("Service.KillSignal"));
        Assert.Equal("mixed", Unit.One("Service.KillMode"));
        Assert.Equal("on-failure", Unit.One("Service.Restart"));
    }

    [Fact]
    public void Paths_OfTheConfig_AreInsideTheUnitsWritableDirectory()
    {
        var config = LoadShippedConfig();
        var state = Unit.One("Service.WorkingDirectory");

        Assert.Equal("/var/lib/kube-runner", state);
        Assert.Equal(state, Unit.One("Service.ReadWritePaths"));
        Assert.Equal(state, "/var/lib/" + Unit.One("Service.StateDirectory"));
        Assert.StartsWith(state + "/", config.Runner.File, StringComparison.Ordinal);
        Assert.Equal(state, config.Host.WorkdirParent);
        Assert.StartsWith(state + "/", config.Executor.Socket, StringComparison.Ordinal);
        Assert.StartsWith(state + "/", config.Actions.CacheDir, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1:8080", config.Http.Listen);
    }

    [Fact]
    public void Service_OfTheUnit_RunsAsItsOwnUserInTheDockerGroupWithHardening()
    {
        Assert.Equal("kube-runner", Unit.One("Service.User"));
        Assert.Contains("docker", Unit.One("Service.SupplementaryGroups").Split(' '));
        Assert.Equal("yes", Unit.One("Service.NoNewPrivileges"));
        Assert.Equal("full", Unit.One("Service.ProtectSystem"));
        Assert.Equal("yes", Unit.One("Service.PrivateTmp"));
        Assert.Equal("multi-user.target", Unit.One("Install.WantedBy"));
    }

    [Fact]
    public async Task Unit_VerifiedBySystemd_HasNoComplaint()
    {
        // systemd-analyze checks every directive against the systemd of this machine, and that
        // ExecStart's program exists: a copy of the unit points it at the kube-runner of this build.
        var work = System.IO.Directory.CreateTempSubdirectory("kube-runner-unit-");
        try
        {
            var unit = Path.Combine(work.FullName, "kube-runner.service");
            File.WriteAllText(unit, File.ReadAllText(Path.Combine(Directory, "kube-runner.service"))
                .Replace("ExecStart=/usr/local/bin/kube-runner ", $"ExecStart={Path.Combine(AppContext.BaseDirectory, "kube-runner")} ", StringComparison.Ordinal));
            CommandResult verify;
            try
            {
                verify = await HostCommand.RunAsync("systemd-analyze", ["verify", unit], TestTimeouts.Default);
            }
            catch (Win32Exception) when (Environment.GetEnvironmentVariable("CI") is null)
            {
                // Not every developer's machine has systemd (CI installs it); the other tests of this class read the unit themselves.
                output.WriteLine("systemd-analyze is not installed: the unit was checked by this class's parser only");
                return;
            }

            Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0 && verify.Stdout.Length == 0, verify.Describe());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The shipped config.yaml as the daemon started by the unit loads it.</summary>
    private static RunnerConfig LoadShippedConfig() =>
        ConfigLoader.Load(Path.Combine(Directory, "config.yaml"), new Dictionary<string, string>(), "/var/lib/kube-runner", Unit.One("Service.WorkingDirectory"));

    private static CliContext Context() => new()
    {
        In = TextReader.Null,
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        Environment = new Dictionary<string, string>(),
        HomeDirectory = "/var/lib/kube-runner",
        CurrentDirectory = "/var/lib/kube-runner",
    };
}
