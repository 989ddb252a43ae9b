namespace KubeRunner.Workflow.Model;

/// <summary>
/// A parsed workflow document. Strings are kept exactly as written (expressions are not evaluated);
/// string mappings keep document order because later entries may refer to earlier ones.
/// </summary>
public sealed record WorkflowDefinition(
    string? Name,
    string? RunName,
    IReadOnlyList<string> On,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    RunDefaults Defaults,
    IReadOnlyList<JobDefinition> Jobs);

/// <summary><c>defaults.run</c> of a workflow or a job.</summary>
public sealed record RunDefaults(string? Shell, string? WorkingDirectory)
{
    public static readonly RunDefaults None = new(null, null);
}

/// <summary>
/// <c>strategy</c> of a job. <see cref="Matrix"/> is set when the matrix is written as a mapping,
/// <see cref="MatrixExpression"/> when it is a single <c>${{ }}</c> to evaluate first.
/// </summary>
public sealed record StrategyDefinition(
    Expressions.ExpressionValue? Matrix,
    string? MatrixExpression,
    string? FailFast,
    string? MaxParallel);

/// <summary>Registry credentials of a job or service container.</summary>
public sealed record ContainerCredentials(string? Username, string? Password);

/// <summary>A job container or a service container (<c>container: image</c> gives only <see cref="Image"/>).</summary>
public sealed record ContainerDefinition(
    string? Image,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string? Options,
    IReadOnlyList<string> Volumes,
    IReadOnlyList<string> Ports,
    string? Network,
    IReadOnlyList<string> Cmd,
    ContainerCredentials? Credentials,
    int Line);
