namespace KubeRunner.Agent.Tasks;

/// <summary>Runs one fetched task to its final report (<see cref="TaskRunner"/>; simulations give their own).</summary>
internal interface ITaskRunner
{
    /// <param name="shutdown">Cancelled when the runner stops and running jobs must end.</param>
    Task RunAsync(ForgeTask task, CancellationToken shutdown);
}
