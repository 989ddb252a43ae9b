using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Actions;

/// <summary>
/// An action's metadata (<c>action.yml</c>). Strings are kept as written: defaults, output values,
/// args and env may hold <c>${{ }}</c> that only the step's context can evaluate. Inputs and outputs
/// keep file order so that logs and <c>INPUT_*</c> variables come out in a stable order.
/// </summary>
public sealed record ActionManifest
{
    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, ActionInput>> Inputs { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, ActionOutput>> Outputs { get; init; } = [];

    public required ActionRuns Runs { get; init; }
}

/// <summary>
/// One of <c>inputs</c>. <see cref="Default"/> is null when the file gives none; forgejo-runner does not
/// enforce <see cref="Required"/>, which only documents the input.
/// </summary>
public sealed record ActionInput(string Description, bool Required, string? Default, string? DeprecationMessage);

/// <summary>One of <c>outputs</c>; <see cref="Value"/> is the expression a composite action computes it with.</summary>
public sealed record ActionOutput(string Description, string? Value);

/// <summary>
/// <c>runs</c>: how the action runs. Which members are set depends on <see cref="Using"/>: node, go and
/// sh actions have <see cref="Main"/> and optional <see cref="Pre"/>/<see cref="Post"/>; composite
/// actions have <see cref="Steps"/>; docker actions have <see cref="Image"/> and the rest of the
/// container settings.
/// </summary>
public sealed record ActionRuns
{
    /// <summary>Lower-cased, as forgejo-runner compares it: node12, node16, node20, node24, composite, docker, go or sh.</summary>
    public required string Using { get; init; }

    /// <summary>node: the script run with <c>node</c>; sh: the command run with <c>sh -c</c>; go: the file built with <c>go build</c>.</summary>
    public string? Main { get; init; }

    public string? Pre { get; init; }

    public string? Post { get; init; }

    /// <summary>The condition of the pre step (or pre-entrypoint) as written; null runs it as <c>always()</c> does.</summary>
    public string? PreIf { get; init; }

    /// <summary>The condition of the post step (or post-entrypoint) as written; null runs it as <c>always()</c> does.</summary>
    public string? PostIf { get; init; }

    /// <summary>
    /// Composite: the nested steps, numbered from 0 like a job's; a step without an id is known by its
    /// index in <c>steps.&lt;id&gt;</c>, as in forgejo-runner (<see cref="StepDefinition.EffectiveId"/>).
    /// </summary>
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>Docker: <c>docker://image</c> to pull, or the path of a Dockerfile (relative to the action) to build.</summary>
    public string? Image { get; init; }

    /// <summary>Docker: the container's arguments; a step's <c>with.args</c> replaces them.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Docker: overrides the image's entrypoint; a step's <c>with.entrypoint</c> replaces it.</summary>
    public string? Entrypoint { get; init; }

    public string? PreEntrypoint { get; init; }

    public string? PostEntrypoint { get; init; }

    /// <summary>Docker: <c>runs.env</c>, set in the action's container.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>Whether the action is a JavaScript action, which needs <c>node</c> in the job container.</summary>
    public bool IsNode => Using is "node12" or "node16" or "node20" or "node24";
}

/// <summary>
/// The outcome of parsing an action manifest: the manifest when <c>runs.using</c> could be read, and
/// every problem found. An action with errors must not run.
/// </summary>
public sealed record ActionManifestParseResult(ActionManifest? Manifest, IReadOnlyList<WorkflowError> Errors)
{
    public bool Ok => Manifest is not null && Errors.Count == 0;
}
