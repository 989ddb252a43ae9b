namespace KubeRunner.Agent.Backends.Docker;

/// <summary>Why a task could not start in Docker: its closing message, and the short reason for metrics.</summary>
/// <param name="Reason">One of <see cref="Diagnostics.BackendFailureReasons"/>.</param>
internal sealed record DockerProblem(string Message, string Reason);
