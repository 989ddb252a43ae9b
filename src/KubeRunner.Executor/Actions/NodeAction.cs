using KubeRunner.Executor.Engine;
using KubeRunner.Executor.Processes;
using KubeRunner.Workflow.Model;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Actions;

/// <summary>One use of an action by a step: the step, the frame it runs in and the inputs it gives.</summary>
internal sealed record ActionCall(PreparedAction Action, StepDefinition Step, StepFrame Frame, IReadOnlyList<KeyValuePair<string, string>> Inputs)
{
    public string StateKey => Frame.StateKey(Step.EffectiveId);
}

/// <summary>
/// Runs a script of a node action (main, pre or post) as <c>node &lt;action dir&gt;/&lt;script&gt;</c> in the
/// workspace, with the step's environment, INPUT_* and the STATE_* its earlier scripts saved. node
/// comes from the job's PATH (the image's), else from the runner when the operator provides one.
/// </summary>
internal sealed class NodeAction(JobRun run, JobLog log, StepProcess process)
{
    /// <returns>The outcome, and whether the script started at all (node was found).</returns>
    public async Task<(Result Outcome, bool Started)> RunAsync(ActionCall call, string script, StepScope scope, int logStep, CancellationToken cancellationToken)
    {
        var files = StepFiles.Create(run.WorkflowDir);
        var env = StepEnvironment.Base(run, call.Step.EffectiveId, files, call.Frame, call.Action.Identity);
        StepEnvironment.AddStepEnv(env, call.Step.Env, run, call.Frame);
        foreach (var (name, value) in call.Inputs)
        {
            env[ActionInputs.EnvName(name)] = value;
        }

        if (run.State.State.TryGetValue(call.StateKey, out var state))
        {
            foreach (var (name, value) in state)
            {
                env["STATE_" + name] = value;
            }
        }

        var node = ExecutablePath.Find("node", env["PATH"]) ?? Provided(run.Settings.NodePath);
        if (node is null)
        {
            log.Row(logStep, $"⚙️ [runner]: {call.Action.Name} is a {call.Action.Manifest.Runs.Using} action, but there is no 'node' on the job's PATH ({env["PATH"]})"
                + " and the runner provides none: run the job in an image with Node.js, or install it in an earlier step.");
            return (Result.Failure, false);
        }

        var path = Path.GetFullPath(script, call.Action.Directory);
        return (await process.RunAsync(new ProcessSpec(node, [path], env, run.Workspace), scope, files, logStep, call.Step.DisplayName, cancellationToken), true);
    }

    private static string? Provided(string path) => path.Length > 0 && File.Exists(path) ? path : null;
}
