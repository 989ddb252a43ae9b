using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Forge;

/// <summary>
/// The authenticated part of Forgejo's runner service, as the daemon uses it. Every call may throw
/// <see cref="Connect.ConnectException"/>; <see cref="ForgeErrors.IsTransient"/> says which are worth retrying.
/// </summary>
internal interface IRunnerService
{
    Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken);

    /// <param name="requestKey">
    /// Kept across retries of one fetch, so that a Forgejo that assigned a task whose answer was lost
    /// hands the same task back (Forgejo 15+; older servers ignore the header).
    /// </param>
    /// <param name="deadline">The <c>fetch_timeout</c>.</param>
    Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken);

    Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken);

    Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken);
}
