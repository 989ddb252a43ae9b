using KubeRunner.Executor.Engine;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Actions;

/// <summary>
/// The pre and post scripts of node actions, and the pre-entrypoint and post-entrypoint of Docker
/// actions (containers of the action's image with that entrypoint). Pre scripts run before the job's first step, in step
/// order (inside composite actions too), when their <c>pre-if</c> (default <c>always()</c>) holds.
/// Post scripts of the actions whose main ran run after the last step, in reverse order, when
/// their <c>post-if</c> (default <c>always()</c>) holds — also after a cancel, unlike forgejo-runner.
/// Their rows belong to the job, not to a step, as the forge shows set-up and clean-up.
/// </summary>
internal sealed class ActionHooks(JobRun run, JobLog log, StepRunners runners, NodeAction node, DockerActionStep docker)
{
    private readonly List<ActionCall> _posts = [];
    private readonly Lock _lock = new();

    public void AddPost(ActionCall call)
    {
        lock (_lock)
        {
            _posts.Add(call);
        }
    }

    /// <summary>Runs the pre scripts of <paramref name="steps"/>; problems with an action are left for its step to report.</summary>
    public async Task RunPreAsync(IReadOnlyList<StepDefinition> steps, StepFrame frame, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            // A local action is not checked out yet: forgejo-runner runs no pre script for it either.
            if (await runners.Catalog.TryGetAheadAsync(step, cancellationToken) is not { } action)
            {
                continue;
            }

            ActionCall call;
            try
            {
                call = runners.Actions.Call(action, step, frame);
            }
            catch (ActionProblem)
            {
                continue;
            }

            var runs = call.Action.Manifest.Runs;
            if (runs.IsNode && runs.Pre is { } pre)
            {
                await RunHookAsync(call, "Pre", pre, runs.PreIf, cancellationToken);
            }
            else if (runs.Using == "docker" && runs.PreEntrypoint is not null && docker.Available)
            {
                await RunHookAsync(call, "Pre", null, runs.PreIf, cancellationToken);
            }
            else if (runs.Using == "composite" && frame.Depth < ActionRunner.MaxDepth)
            {
                var nested = frame.ForComposite(step.Index, step.EffectiveId, ActionInputs.Context(call.Inputs), call.Action.Identity, frame.Env);
                await RunPreAsync(runs.Steps, nested, cancellationToken);
            }
        }
    }

    /// <summary>Runs the queued post scripts, the last action's first.</summary>
    public async Task RunPostAsync()
    {
        List<ActionCall> posts;
        lock (_lock)
        {
            posts = [.. _posts];
            _posts.Clear();
        }

        for (var i = posts.Count - 1; i >= 0; i--)
        {
            var runs = posts[i].Action.Manifest.Runs;
            // Clean-up gets its own time after a cancel (the agent bounds it), like always() steps.
            await RunHookAsync(posts[i], "Post", runs.IsNode ? runs.Post! : null, runs.PostIf, CancellationToken.None);
        }
    }

    /// <param name="script">A node action's script; null for a Docker action's pre- or post-entrypoint.</param>
    private async Task RunHookAsync(ActionCall call, string stage, string? script, string? condition, CancellationToken cancellationToken)
    {
        bool runIt;
        try
        {
            runIt = Condition.Evaluate(string.IsNullOrWhiteSpace(condition) ? "always()" : condition, run.Context(frame: call.Frame));
        }
        catch (ExpressionException e)
        {
            log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: {stage} {call.Step.DisplayName}: the condition of {call.Action.Name} cannot be evaluated: {e.Message}");
            Fail();
            return;
        }

        if (!runIt)
        {
            return;
        }

        log.Row(JobLog.OutsideSteps, $"{stage} {call.Step.DisplayName}");
        Result result;
        try
        {
            var scope = new StepScope(run.State, call.StateKey);
            result = script is not null
                ? (await node.RunAsync(call, script, scope, JobLog.OutsideSteps, cancellationToken)).Outcome
                : await docker.RunAsync(call, stage == "Pre" ? DockerStage.Pre : DockerStage.Post, scope, JobLog.OutsideSteps, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        if (result != Result.Success)
        {
            log.Row(JobLog.OutsideSteps, $"⚙️ [runner]: {stage} {call.Step.DisplayName} failed.");
            Fail();
        }
    }

    private void Fail()
    {
        if (run.State.Status == JobStatus.Success)
        {
            run.State.Status = JobStatus.Failure;
        }
    }
}
