using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

internal static partial class DockerActionLog
{
    [LoggerMessage(Diagnostics.EventIds.DockerActionRequested, LogLevel.Information, "Task {TaskId}: executor asks for a Docker action container ({Image}) for step {Step}")]
    public static partial void Requested(ILogger logger, long taskId, string image, string step);

    [LoggerMessage(Diagnostics.EventIds.DockerActionRefused, LogLevel.Warning, "Task {TaskId}: refused a Docker action container: the task runs on the {Backend} backend")]
    public static partial void Refused(ILogger logger, long taskId, string backend);

    [LoggerMessage(Diagnostics.EventIds.DockerActionContainerStarted, LogLevel.Information, "Task {TaskId}: Docker action container {ContainerId} ({Image}) started for step {Step}")]
    public static partial void ContainerStarted(ILogger logger, long taskId, string containerId, string image, string step);

    [LoggerMessage(Diagnostics.EventIds.DockerActionContainerExited, LogLevel.Information, "Task {TaskId}: Docker action container {ContainerId} exited with code {ExitCode}")]
    public static partial void ContainerExited(ILogger logger, long taskId, string containerId, int exitCode);

    [LoggerMessage(Diagnostics.EventIds.DockerActionFailed, LogLevel.Warning, "Task {TaskId}: the Docker action container of step {Step} could not run: {Reason}")]
    public static partial void Failed(ILogger logger, long taskId, string step, string reason);
}
