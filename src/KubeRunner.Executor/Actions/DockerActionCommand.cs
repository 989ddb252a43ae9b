using KubeRunner.Workflow.Shells;

namespace KubeRunner.Executor.Actions;

/// <summary>
/// The command line of a Docker action's container, by forgejo-runner's rules: <c>with.args</c>
/// (split as a shell would, no expansion) replaces <c>runs.args</c> (each item interpolated on its
/// own); <c>with.entrypoint</c> (split at white space) replaces <c>runs.entrypoint</c> (split as a
/// shell would). Empty lists leave the image's own ENTRYPOINT and CMD.
/// </summary>
internal static class DockerActionCommand
{
    /// <exception cref="ActionProblem">A value cannot be split into words (an unclosed quote).</exception>
    public static List<string> Args(string? withArgs, IReadOnlyList<string> runsArgs, Func<string, string> interpolate)
    {
        if (!string.IsNullOrWhiteSpace(withArgs) && Split(interpolate(withArgs), "args") is { Count: > 0 } given)
        {
            return given;
        }

        return [.. runsArgs.Select(interpolate)];
    }

    /// <param name="entrypoint">runs.entrypoint, runs.pre-entrypoint or runs.post-entrypoint.</param>
    /// <exception cref="ActionProblem">A value cannot be split into words (an unclosed quote).</exception>
    public static List<string> Entrypoint(string? withEntrypoint, string? entrypoint, Func<string, string> interpolate)
    {
        if (!string.IsNullOrWhiteSpace(withEntrypoint))
        {
            var given = interpolate(withEntrypoint).Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (given.Length > 0)
            {
                return [.. given];
            }
        }

        return string.IsNullOrWhiteSpace(entrypoint) ? [] : Split(entrypoint, "entrypoint");
    }

    /// <summary>
    /// The Dockerfile of <c>runs.image</c> relative to its directory, and that directory (the build
    /// context) relative to the action's, as forgejo-runner splits <c>image: dir/Dockerfile</c>.
    /// </summary>
    public static (string Context, string Dockerfile) BuildPaths(string image)
    {
        var normalized = image.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        var slash = normalized.LastIndexOf('/');
        return slash < 0 ? ("", normalized) : (normalized[..slash], normalized[(slash + 1)..]);
    }

    private static List<string> Split(string value, string what) =>
        ShellWords.TrySplit(value) ?? throw new ActionProblem($"the Docker action's {what} cannot be split into words (is a quote not closed?): {value}");
}
