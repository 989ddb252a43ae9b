using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Tasks;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>
/// Runs a task for a simulated while, on the simulation's clock, then reports success. A cancelled
/// run (the agent crashed) reports nothing, as a killed process would; a cancelled run of a running
/// agent reports "cancelled", which the scenarios count as a broken invariant.
/// </summary>
internal sealed class SimulatedJobs(IRunnerService forge, TimeProvider clock, Func<string, TimeSpan> durationOfJob) : ITaskRunner
{
    /// <summary>Set when the agent is killed: its tasks then end without a word to the forge.</summary>
    public bool Crashed { get; set; }

    public async Task RunAsync(ForgeTask task, CancellationToken shutdown)
    {
        var job = task.Context.Fields["job"].StringValue;
        var result = Result.Success;
        try
        {
            await Task.Delay(durationOfJob(job), clock, shutdown);
        }
        catch (OperationCanceledException)
        {
            if (Crashed)
            {
                return;
            }

            result = Result.Cancelled;
        }

        var state = new TaskState { Id = task.Id, Result = result, StoppedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) };
        try
        {
            await forge.UpdateTaskAsync(new UpdateTaskRequest { State = state }, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or Agent.Forge.Connect.ConnectException)
        {
            // The forge is down in this scenario: the job stays running there, as with a real runner that gave up reporting.
        }
    }
}
