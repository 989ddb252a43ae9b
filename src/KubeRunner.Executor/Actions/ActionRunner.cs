using KubeRunner.Executor.Engine;
using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Actions;

/// <summary>
/// Runs a <c>uses:</c> step: a node action's main script (its post is queued for the end of the
/// job), a Docker action's container (on the Docker backend), or a composite action's steps in a frame of their own, whose outputs become the step's.
/// </summary>
internal sealed class ActionRunner(JobRun run, JobLog log, StepRunners runners, NodeAction node, DockerActionStep docker, TimeProvider time)
{
    /// <summary>Composite actions nested deeper than this are refused: one that uses itself would never end.</summary>
    public const int MaxDepth = 10;

    public async Task<(Result Outcome, string? Problem)> RunAsync(StepDefinition step, StepScope scope, StepFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            var action = await runners.Catalog.GetAsync(step, cancellationToken);
            var call = Call(action, step, frame);
            var logStep = frame.IsJob ? step.Index : frame.LogStep;
            var runs = action.Manifest.Runs;
            if (runs.IsNode)
            {
                var (result, started) = await node.RunAsync(call, runs.Main!, scope, logStep, cancellationToken);
                // The post script goes with a main that ran (even one that failed), not with one node never started.
                if (runs.Post is not null && started)
                {
                    runners.Hooks.AddPost(call);
                }

                return (result, null);
            }

            return runs.Using switch
            {
                "composite" => await RunCompositeAsync(call, scope, logStep, cancellationToken),
                "docker" when docker.Available => (await RunDockerAsync(call, scope, logStep, cancellationToken), null),
                "docker" => (Result.Failure, DockerProblem(action, step)),
                _ => (Result.Failure, $"{action.Name}: kube-runner does not run actions with runs.using '{runs.Using}'; node and composite actions run on every backend"),
            };
        }
        catch (ActionProblem e)
        {
            return (Result.Failure, e.Message);
        }
    }

    /// <summary>The step's use of the action, with its inputs evaluated in the step's own context.</summary>
    /// <exception cref="ActionProblem">A required input is missing.</exception>
    public ActionCall Call(PreparedAction action, StepDefinition step, StepFrame frame)
    {
        var env = CallerEnv(step, frame);
        return new ActionCall(action, step, frame, ActionInputs.Evaluate(action, step, run.Context(env, frame: frame)));
    }

    /// <summary>Whether Docker actions can run in this job; elsewhere they fail it before its first step.</summary>
    public bool RunsDockerActions => docker.Available;

    /// <summary>Why a Docker action cannot run here; the job fails with it before its first step.</summary>
    public string DockerProblem(PreparedAction action, StepDefinition step)
    {
        var backend = run.Settings.Backend.Length > 0 ? run.Settings.Backend : "host";
        var what = action.Reference.Kind == ActionReferenceKind.Docker ? $"the Docker image {action.Reference.Image}" : $"{action.Name}, a Docker action";
        return $"step '{step.DisplayName}' uses {what}; Docker actions run only on the Docker backend, and this job runs on the {backend} backend. "
            + "Use a runner label of the Docker backend, or a node or composite action.";
    }

    /// <summary>The env a step's expressions see: the job's, then the frame's, then the step's own.</summary>
    private List<KeyValuePair<string, string>> CallerEnv(StepDefinition step, StepFrame frame) => [.. run.JobLevelEnv(), .. FrameEnv(step, frame)];

    /// <summary>
    /// What a composite's steps inherit from the step that called it: the frame's env and the step's
    /// own (interpolated here, once, in the caller's context).
    /// </summary>
    private List<KeyValuePair<string, string>> FrameEnv(StepDefinition step, StepFrame frame)
    {
        var context = run.Context([.. run.JobLevelEnv(), .. frame.Env], frame: frame);
        return [.. frame.Env, .. step.Env.Select(e => new KeyValuePair<string, string>(e.Key, Template.Interpolate(e.Value, context)))];
    }

    private async Task<Result> RunDockerAsync(ActionCall call, StepScope scope, int logStep, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.RunAsync(call, DockerStage.Main, scope, logStep, cancellationToken);
        }
        finally
        {
            // As GitHub does: the post-entrypoint goes with a main that was started, even one that failed.
            if (call.Action.Manifest.Runs.PostEntrypoint is not null)
            {
                runners.Hooks.AddPost(call);
            }
        }
    }

    private async Task<(Result Outcome, string? Problem)> RunCompositeAsync(ActionCall call, StepScope scope, int logStep, CancellationToken cancellationToken)
    {
        if (call.Frame.Depth >= MaxDepth)
        {
            return (Result.Failure, $"{call.Action.Name}: composite actions are nested more than {MaxDepth} deep (does the action use itself?)");
        }

        var nested = call.Frame.ForComposite(logStep, call.Step.EffectiveId, ActionInputs.Context(call.Inputs), call.Action.Identity, FrameEnv(call.Step, call.Frame));
        var sequence = new StepSequence(run, log, runners, nested, time);
        foreach (var step in call.Action.Manifest.Runs.Steps)
        {
            await sequence.RunAsync(step, cancellationToken);
        }

        var context = run.Context([.. run.JobLevelEnv(), .. nested.Env], frame: nested);
        foreach (var (name, output) in call.Action.Manifest.Outputs)
        {
            if (output.Value is { } value)
            {
                scope.SetOutput(name, Template.Interpolate(value, context));
            }
        }

        // As for a step: the job's closing row says why it was cancelled.
        return run.State.Status == JobStatus.Cancelled ? (Result.Cancelled, null)
            : nested.Failed ? (Result.Failure, null)
            : (Result.Success, null);
    }
}
