using System.Globalization;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Host;

/// <summary>
/// A host task's own directory under <c>host.workdir_parent</c>: <c>workspace</c> (the repository goes
/// in <c>workspace/&lt;owner&gt;/&lt;repo&gt;</c>), <c>act</c> (scripts, event.json, step files) and
/// <c>tmp</c> (RUNNER_TEMP). The tool cache is shared by all tasks, as in forgejo-runner.
/// </summary>
internal sealed record HostTaskDirectory(string Root, string Workspace, string Act, string Temp, string ToolCache)
{
    public static HostTaskDirectory Create(string workdirParent, long taskId)
    {
        var root = Path.Combine(workdirParent, string.Create(CultureInfo.InvariantCulture, $"task-{taskId}-{Guid.NewGuid():N}")[..24]);
        var directory = new HostTaskDirectory(root, Path.Combine(root, "workspace"), Path.Combine(root, "act"),
            Path.Combine(root, "tmp"), Path.Combine(workdirParent, "tool_cache"));
        foreach (var path in (string[])[directory.Workspace, directory.Act, directory.Temp, directory.ToolCache])
        {
            Directory.CreateDirectory(path);
        }

        return directory;
    }

    public void Delete(ILogger logger)
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            HostLog.DeleteFailed(logger, Root, e);
        }
    }

}

internal static partial class HostLog
{
    [LoggerMessage(Diagnostics.EventIds.TaskCleanupFailed, LogLevel.Warning, "Could not remove the task directory {Directory}")]
    public static partial void DeleteFailed(ILogger logger, string directory, Exception exception);
}
