namespace KubeRunner.Testing.Docker;

/// <summary>Runs one labelled container to completion and removes it (by id: nothing else is ever removed).</summary>
public static class TestContainer
{
    /// <summary>
    /// Creates a container of <paramref name="image"/> running <paramref name="command"/> (no shell is
    /// involved, so it works in images without one), copies files in, starts it, and returns how its
    /// main process ended.
    /// </summary>
    /// <remarks>
    /// Files are copied with <c>docker cp</c> rather than bind-mounted, so that the test does not depend on
    /// the daemon seeing the test machine's file system.
    /// </remarks>
    public static async Task<CommandResult> RunAsync(string image, IReadOnlyList<string> command, ContainerOptions? options = null)
    {
        options ??= new ContainerOptions();
        await DockerDaemon.EnsureAsync();

        List<string> create = ["create", "--label", DockerCli.TestLabel];
        foreach (var (name, value) in options.Environment)
        {
            create.AddRange(["--env", $"{name}={value}"]);
        }

        create.Add(image);
        create.AddRange(command);
        var id = (await DockerCli.RunCheckedAsync([.. create])).Trim();
        try
        {
            foreach (var copy in options.Copies)
            {
                await DockerCli.RunCheckedAsync("cp", Path.TrimEndingDirectorySeparator(copy.HostDirectory) + "/.", $"{id}:{copy.ContainerDirectory}");
            }

            // Not checked: `docker start -a` exits with the container's status, read below from the daemon.
            var attached = await DockerCli.RunAsync("start", "--attach", id);
            var state = (await DockerCli.RunCheckedAsync("inspect", "--format", "{{.State.ExitCode}} {{.State.Error}}", id)).Trim();
            var exitCode = int.Parse(state.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            return attached with { ExitCode = exitCode, Stderr = attached.Stderr + (state.Contains(' ', StringComparison.Ordinal) ? $"\n[docker] {state}" : "") };
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", "--volumes", id);
        }
    }
}
