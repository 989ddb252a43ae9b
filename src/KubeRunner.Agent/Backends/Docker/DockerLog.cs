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

    [LoggerMessage(Diagnostics.EventIds.DockerLeftoverRemoved, LogLevel.Information, "Removed {Kind} {Id} left by task {TaskId}")]
    public static partial void LeftoverRemoved(ILogger logger, string kind, string id, string taskId);

    [LoggerMessage(Diagnostics.EventIds.DockerLeftoverRemoveFailed, LogLevel.Warning, "Could not remove {Kind} {Id}, left by a task this runner no longer runs")]
    public static partial void LeftoverRemoveFailed(ILogger logger, string kind, string id, Exception exception);

    [LoggerMessage(Diagnostics.EventIds.DockerSweepFailed, LogLevel.Warning, "Could not look for what earlier tasks of this runner left in Docker at {DockerHost}: {Reason}; it stays until the next start")]
    public static partial void SweepFailed(ILogger logger, string dockerHost, string reason);
}
