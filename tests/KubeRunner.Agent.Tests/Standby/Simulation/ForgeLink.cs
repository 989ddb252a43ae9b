using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>One agent's connection to the forge, which a scenario can cut (the forge down, or this agent cut off from it).</summary>
internal sealed class ForgeLink(IRunnerService runner, IForgeActionsApi? api) : IRunnerService, IForgeActionsApi
{
    public bool Cut { get; set; }

    /// <summary>Whether this agent has an API token (standby.api_token_file) to read the waiting jobs and runners.</summary>
    public bool ReadsApi => api is not null;

    public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) =>
        Through(() => runner.DeclareAsync(request, cancellationToken));

    public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
        Through(() => runner.FetchTaskAsync(request, requestKey, deadline, cancellationToken));

    public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken) =>
        Through(() => runner.UpdateTaskAsync(request, cancellationToken));

    public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken) =>
        Through(() => runner.UpdateLogAsync(request, cancellationToken));

    public Task<ForgeApiResult<IReadOnlyList<WaitingJob>>> ListWaitingJobsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken) =>
        Cut ? Task.FromResult(ForgeApiResult<IReadOnlyList<WaitingJob>>.Fail(ForgeApiOutcome.Failed, "connection refused (simulated)"))
            : api!.ListWaitingJobsAsync(labels, cancellationToken);

    public Task<ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>> ListRunnersAsync(CancellationToken cancellationToken) =>
        Cut ? Task.FromResult(ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>.Fail(ForgeApiOutcome.Failed, "connection refused (simulated)"))
            : api!.ListRunnersAsync(cancellationToken);

    private Task<T> Through<T>(Func<Task<T>> call) =>
        Cut ? Task.FromException<T>(new HttpRequestException(HttpRequestError.ConnectionError, "connection refused (simulated)")) : call();
}
