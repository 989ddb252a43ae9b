namespace KubeRunner.Testing.Docker;

/// <summary>The <c>docker</c> command line, as the test bed uses it; callers ensure the daemon first (<see cref="DockerDaemon"/>).</summary>
public static class DockerCli
{
    /// <summary>Label on every image and container the tests create, so that they can be told apart and cleaned up.</summary>
    public const string TestLabel = "kube-runner.test=1";

    public static Task<CommandResult> RunAsync(params string[] args) => HostCommand.RunAsync("docker", args, TestTimeouts.Scenario);

    public static Task<string> RunCheckedAsync(params string[] args) => HostCommand.RunCheckedAsync("docker", args, TestTimeouts.Scenario);

    /// <summary>Whether a local image has this reference (no registry is ever asked).</summary>
    public static async Task<bool> ImageExistsAsync(string reference) =>
        (await RunAsync("image", "inspect", "--format", "{{.Id}}", reference)).ExitCode == 0;
}
