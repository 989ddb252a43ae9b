using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Executor.Engine;

/// <summary>The action a frame's steps belong to, for GITHUB_ACTION_PATH and the github.action_* values.</summary>
internal sealed record ActionIdentity(string Path, string Repository, string Ref);

/// <summary>
/// Where steps run: the job itself, or inside a composite action. A composite's steps see its
/// inputs and their own <c>steps</c> context, inherit the env of the step that called the action,
/// and write their rows into that step's log, as forgejo-runner attributes them to the outer step.
/// </summary>
internal sealed class StepFrame
{
    private StepFrame(ExpressionObject steps) => Steps = steps;

    /// <summary>True for the job's own steps: each logs under its index and reports its state to the forge.</summary>
    public bool IsJob { get; private init; }

    /// <summary>The <c>steps</c> context of this frame.</summary>
    public ExpressionObject Steps { get; }

    /// <summary>The <c>inputs</c> context of a composite action (null for the job: the event's inputs).</summary>
    public ExpressionObject? Inputs { get; private init; }

    public ActionIdentity? Action { get; private init; }

    /// <summary>The job step whose log receives this frame's rows (composite frames).</summary>
    public int LogStep { get; private init; }

    /// <summary>Keeps the saved state of nested steps apart from the job's and from other composites'.</summary>
    public string StatePrefix { get; private init; } = "";

    /// <summary>Env of the step that called the composite action, below each nested step's own env.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; private init; } = [];

    /// <summary>A step of this composite failed: the composite's later steps see failure(), and it fails.</summary>
    public bool Failed { get; set; }

    /// <summary>How deep composites are nested here (a composite using itself would never end).</summary>
    public int Depth { get; private init; }

    public static StepFrame ForJob(JobState state) => new(state.Steps) { IsJob = true };

    public StepFrame ForComposite(int logStep, string stepId, ExpressionObject inputs, ActionIdentity action, IReadOnlyList<KeyValuePair<string, string>> env) =>
        new(new ExpressionObject())
        {
            Inputs = inputs,
            Action = action,
            LogStep = IsJob ? logStep : LogStep,
            StatePrefix = $"{StatePrefix}{stepId}/",
            Env = env,
            Depth = Depth + 1,
        };

    /// <summary>The key of a step's saved state (STATE_* of its post step).</summary>
    public string StateKey(string stepId) => StatePrefix + stepId;
}
