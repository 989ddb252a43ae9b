using Docker.DotNet;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// What a Docker action's container needs of the task it belongs to: the daemon, the job container
/// (whose network namespace and volumes it joins) and the labels that make it this runner's.
/// </summary>
/// <param name="BundleDirectory">The executor bundle on this machine; its <c>exec</c> mode starts the action's process.</param>
internal sealed record JobContainerHandle(IDockerClient Client, string ContainerId, string RunnerUuid, long TaskId, string BundleDirectory);
