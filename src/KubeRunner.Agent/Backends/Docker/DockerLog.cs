using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

internal static partial class DockerLog
{
    [LoggerMessage(Diagnostics.EventIds.DockerContainerStarted, LogLevel.Information, "Task {TaskId}: executor started in container {ContainerId} ({Image})")]
    public static partial void ContainerStarted(ILogger logger, long taskId, string containerId, string image);

    [LoggerMessage(Diagnostics.EventIds.DockerSetupFailed, LogLevel.Warning, "Task {TaskId}: the job container could not be set up")]
    public static partial void SetupFailed(ILogger logger, long taskId, Exception exception);

    [LoggerMessage(Diagnostics.EventIds.DockerRemoveFailed, LogLevel.Warning, "Task {TaskId}: could not remove {Kind} {Id}")]
    public static partial void RemoveFailed(ILogger logger, long taskId, string kind, string id, Exception exception);

    [LoggerMessage(Diagnostics.EventIds.DockerContainerExited, LogLevel.Information, "Task {TaskId}: job container exited with code {ExitCode}")]
    public static partial void ContainerExited(ILogger logger, long taskId, int exitCode);

    [LoggerMessage(Diagnostics.EventIds.DockerExecutorOutput, LogLevel.Warning, "Task {TaskId}: the executor ended without a result; its last output:\n{Output}")]
    public static partial void ExecutorOutput(ILogger logger, long taskId, string output);
}
