using KubeRunner.Executor.Engine;
using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Executor.Actions;

/// <summary>
/// Before the first step, as forgejo-runner's "Set up job": fetches every remote action of the job
/// and of its composite actions (through the agent's cache), and finds the Docker actions this
/// backend cannot run (any but the Docker backend), which fail the job before anything runs. Other problems (a repository that
/// does not exist, an invalid action.yml) are left to fail their own step when it comes.
/// </summary>
internal static class ActionSetup
{
    /// <returns>The reason the job cannot start, or null.</returns>
    public static async Task<string?> PrepareAsync(StepRunners runners, JobLog log, IReadOnlyList<StepDefinition> steps, CancellationToken cancellationToken) =>
        await PrepareAsync(runners, log, steps, depth: 0, cancellationToken);

    private static async Task<string?> PrepareAsync(StepRunners runners, JobLog log, IReadOnlyList<StepDefinition> steps, int depth, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            if (await runners.Catalog.TryGetAheadAsync(step, cancellationToken) is not { } action)
            {
                continue;
            }

            if (action.Reference.Kind == ActionReferenceKind.Remote)
            {
                log.Row(JobLog.OutsideSteps, $"☁ {action.Name} ({action.Sha[..Math.Min(12, action.Sha.Length)]}{(action.FromCache ? ", from the runner's cache" : "")})");
            }

            if (action.Manifest.Runs.Using == "docker" && !runners.Actions.RunsDockerActions)
            {
                return runners.Actions.DockerProblem(action, step);
            }

            if (action.Manifest.Runs.Using == "composite" && depth < ActionRunner.MaxDepth
                && await PrepareAsync(runners, log, action.Manifest.Runs.Steps, depth + 1, cancellationToken) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
