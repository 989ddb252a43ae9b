using KubeRunner.Agent.Forge;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.LocalRun;

/// <summary>
/// The forge of a local run: it takes what the task reporters send and prints it instead of storing
/// it, keeping the job outputs and result for the jobs that need them. Going through the reporter
/// keeps masking, workflow-command filtering and step accounting exactly as they are for Forgejo.
/// </summary>
internal sealed class ConsoleRunnerService(TextWriter output) : IRunnerService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, LocalTaskView> _tasks = [];

    /// <summary>Announces a task before it runs: its rows are printed under <paramref name="prefix"/>.</summary>
    public LocalTaskView Add(long taskId, string prefix, IReadOnlyList<string> stepNames)
    {
        lock (_lock)
        {
            var view = new LocalTaskView(prefix, stepNames, output);
            _tasks[taskId] = view;
            return view;
        }
    }

    public Task<DeclareResponse> DeclareAsync(DeclareRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a local run has no forge to declare to");

    public Task<FetchTaskResponse> FetchTaskAsync(FetchTaskRequest request, string requestKey, TimeSpan deadline, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a local run has no forge to fetch tasks from");

    public Task<UpdateLogResponse> UpdateLogAsync(UpdateLogRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var view = _tasks[request.TaskId];
            return Task.FromResult(new UpdateLogResponse { AckIndex = view.AddRows(request.Index, request.Rows.Select(r => r.Content)) });
        }
    }

    public Task<UpdateTaskResponse> UpdateTaskAsync(UpdateTaskRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var view = _tasks[request.State.Id];
            view.Update(request.State, request.Outputs);
            var response = new UpdateTaskResponse { State = new TaskState { Id = request.State.Id } };
            response.SentOutputs.AddRange(view.Outputs.Keys);
            return Task.FromResult(response);
        }
    }
}
