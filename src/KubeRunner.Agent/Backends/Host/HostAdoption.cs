using System.Globalization;
using KubeRunner.Agent.Tasks.Adoption;

namespace KubeRunner.Agent.Backends.Host;

/// <summary>Host tasks taken over: the executor is a process of the previous agent, known by its pid.</summary>
internal sealed class HostAdoption : IBackendAdoption
{
    public string Backend => TaskRecord.HostBackend;

    /// <summary>Nothing to clear: a host task's directory goes with its record.</summary>
    public Task PrepareAsync(IReadOnlyCollection<TaskRecord> adopted, CancellationToken cancellationToken) => Task.CompletedTask;

    public IAdoptedExecutor Open(TaskRecord record) => new Executor(record);

    private sealed class Executor(TaskRecord record) : IAdoptedExecutor
    {
        public string Description => string.Create(CultureInfo.InvariantCulture, $"process {record.ExecutorPid}");

        public bool HasEnded => !ExecutorPid.IsAlive(record.ExecutorPid);

        public Task StopAsync(TimeSpan grace) => ExecutorPid.WaitForExitAsync(record.ExecutorPid, grace);

        public Task<string> EndedWithoutResultAsync() =>
            Task.FromResult("The executor of this job ended while the runner was restarting, without reporting the job's result.");

        /// <summary>Kills a leftover executor and removes the task's directory; throws on file system errors.</summary>
        public ValueTask DisposeAsync()
        {
            ExecutorPid.Kill(record.ExecutorPid);
            if (Directory.Exists(record.Directory))
            {
                Directory.Delete(record.Directory, recursive: true);
            }

            return ValueTask.CompletedTask;
        }
    }
}
