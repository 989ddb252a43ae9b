using KubeRunner.Executor.Actions;

namespace KubeRunner.Executor.Engine;

/// <summary>What runs the steps of one job: scripts, actions (found through the catalog), and the actions' pre and post scripts.</summary>
internal sealed class StepRunners
{
    public StepRunners(JobRun run, JobLog log, TimeSpan killGrace, TimeProvider time, IActionFetcher fetcher, IContainerRunner? containers = null)
    {
        var process = new StepProcess(log, killGrace, run.ShowDebug);
        var node = new NodeAction(run, log, process);
        Script = new ScriptStep(run, log, process);
        Catalog = new ActionCatalog(run, fetcher);
        var docker = new DockerActionStep(run, log, process, Catalog, containers);
        Actions = new ActionRunner(run, log, this, node, docker, time);
        Hooks = new ActionHooks(run, log, this, node, docker);
    }

    public ScriptStep Script { get; }

    public ActionCatalog Catalog { get; }

    public ActionRunner Actions { get; }

    public ActionHooks Hooks { get; }
}
