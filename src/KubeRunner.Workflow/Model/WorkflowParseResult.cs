namespace KubeRunner.Workflow.Model;

/// <summary>
/// The outcome of parsing a workflow: the model when the document could be read at all, and every
/// problem found. A workflow with errors must not run (forgejo-runner validates before running since 8.0.0).
/// </summary>
public sealed record WorkflowParseResult(WorkflowDefinition? Workflow, IReadOnlyList<WorkflowError> Errors)
{
    public bool Ok => Workflow is not null && Errors.Count == 0;
}

/// <summary>One problem in a workflow document, at the 1-based line and column of the offending node.</summary>
public sealed record WorkflowError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
