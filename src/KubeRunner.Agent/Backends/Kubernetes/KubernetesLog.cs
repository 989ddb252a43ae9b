using KubeRunner.Agent.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes;

internal static partial class KubernetesLog
{
    [LoggerMessage(EventIds.KubernetesJobCreated, LogLevel.Information, "Task {TaskId}: created Job {Namespace}/{Job} (uid {Uid}) with image {Image}")]
    public static partial void JobCreated(ILogger logger, long taskId, string @namespace, string job, string uid, string image);

    [LoggerMessage(EventIds.KubernetesSetupFailed, LogLevel.Warning, "Task {TaskId}: the Job could not be created: {Problem}")]
    public static partial void SetupFailed(ILogger logger, long taskId, string problem);

    [LoggerMessage(EventIds.KubernetesDeleteFailed, LogLevel.Warning, "Task {TaskId}: deleting {What} failed (the next start, or its TTL, removes it): {Problem}")]
    public static partial void DeleteFailed(ILogger logger, long taskId, string what, string problem);

    [LoggerMessage(EventIds.KubernetesPodEnded, LogLevel.Debug, "Task {TaskId}: pod {Pod} ended: {State}")]
    public static partial void PodEnded(ILogger logger, long taskId, string pod, string state);

    [LoggerMessage(EventIds.KubernetesExecutorOutput, LogLevel.Warning, "Task {TaskId}: the executor's last output:\n{Output}")]
    public static partial void ExecutorOutput(ILogger logger, long taskId, string output);

    [LoggerMessage(EventIds.KubernetesInfrastructureFailure, LogLevel.Information, "Task {TaskId}: {Failure}")]
    public static partial void InfrastructureFailure(ILogger logger, long taskId, string failure);

    [LoggerMessage(EventIds.KubernetesAnnotateFailed, LogLevel.Warning, "Task {TaskId}: the Job could not be annotated for a takeover; only an agent on this node can take the task over: {Problem}")]
    public static partial void AnnotateFailed(ILogger logger, long taskId, string problem);

    [LoggerMessage(EventIds.KubernetesWatchExpired, LogLevel.Debug, "The watch of {What} fell behind the server's history (410 Gone); listing again")]
    public static partial void WatchExpired(ILogger logger, string what);

    [LoggerMessage(EventIds.KubernetesWatchFailed, LogLevel.Warning, "The watch of {What} failed and is retried: {Problem}")]
    public static partial void WatchFailed(ILogger logger, string what, string problem);

    [LoggerMessage(EventIds.KubernetesLeftoverRemoved, LogLevel.Information, "Removed {What} {Namespace}/{Name}: it belongs to task {TaskId}, which this agent no longer runs")]
    public static partial void LeftoverRemoved(ILogger logger, string what, string @namespace, string name, string taskId);

    [LoggerMessage(EventIds.KubernetesSweepFailed, LogLevel.Warning, "Looking for Jobs of earlier agent processes in {Namespace} failed (the next start looks again): {Problem}")]
    public static partial void SweepFailed(ILogger logger, string @namespace, string problem);

    [LoggerMessage(EventIds.KubernetesJobAdopted, LogLevel.Information, "Task {TaskId}: Job {Namespace}/{Job} found running; taking it over")]
    public static partial void JobAdopted(ILogger logger, long taskId, string @namespace, string job);
}
