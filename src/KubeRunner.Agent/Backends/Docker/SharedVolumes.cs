namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// The job container's directories that are volumes rather than part of its file system, so that
/// the containers of Docker actions (created with the job container's volumes) see them at the same
/// paths: the workspace, and the act directory with the step files (GITHUB_OUTPUT, GITHUB_ENV, …),
/// the event, RUNNER_TEMP and the remote actions' files.
/// </summary>
internal static class SharedVolumes
{
    public const string Workspace = "/workspace";

    public const string Act = "/var/run/act";

    public static IReadOnlyList<string> Paths { get; } = [Workspace, Act];
}
