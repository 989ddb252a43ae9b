namespace KubeRunner.Workflow.Model;

/// <summary>One job of a workflow; <see cref="Line"/> is where its id is written.</summary>
public sealed record JobDefinition
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    /// <summary>Labels as written; the <c>{group, labels}</c> form gives the labels, then the group (as forgejo-runner does).</summary>
    public IReadOnlyList<string> RunsOn { get; init; } = [];

    public IReadOnlyList<string> Needs { get; init; } = [];

    public string? If { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    public RunDefaults Defaults { get; init; } = RunDefaults.None;

    /// <summary>Raw text: a number, or an expression evaluated when the job starts.</summary>
    public string? TimeoutMinutes { get; init; }

    public string? ContinueOnError { get; init; }

    public StrategyDefinition? Strategy { get; init; }

    public ContainerDefinition? Container { get; init; }

    public IReadOnlyList<KeyValuePair<string, ContainerDefinition>> Services { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Outputs { get; init; } = [];

    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];

    /// <summary>A reusable workflow call; kept so the engine can refuse it with a clear message.</summary>
    public string? Uses { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> With { get; init; } = [];

    public int Line { get; init; }
}
