using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Forge;

/// <summary>
/// The forge as the agent's services see it: every call goes to the real client, and its outcome
/// feeds readiness ("the forge answered recently") and <c>kube_runner_forge_up</c>. One place for all
/// four calls, so that a busy agent (which reports but does not fetch) counts as talking to the forge.
/// </summary>
internal sealed class ObservedRunnerService(IRunnerService inner, AgentReadiness readiness, AgentMetrics metrics) : IRunnerService
{
    public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) =>
        ObserveAsync(inner.DeclareAsync(request, cancellationToken));

    public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
        ObserveAsync(inner.FetchTaskAsync(request, requestKey, deadline, cancellationToken));

    public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken) =>
        ObserveAsync(inner.UpdateTaskAsync(request, cancellationToken));

    public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken) =>
        ObserveAsync(inner.UpdateLogAsync(request, cancellationToken));

    private async Task<T> ObserveAsync<T>(Task<T> call)
    {
        try
        {
            var response = await call;
            readiness.ForgeSucceeded();
            metrics.ForgeAnswered(up: true);
            return response;
        }
        catch (Exception e) when (e is ConnectException or HttpRequestException or IOException or TimeoutException)
        {
            readiness.ForgeFailed(e.Message);
            metrics.ForgeAnswered(up: false);
            throw;
        }
    }
}
