namespace KubeRunner.Workflow.Expressions;

internal sealed class LiteralNode(ExpressionValue value) : ExpressionNode
{
    public ExpressionValue Value { get; } = value;

    public override ExpressionValue Evaluate(ExpressionContext context) => Value;
}

/// <summary>A context such as <c>github</c> or <c>matrix</c>; the name was checked by the parser.</summary>
internal sealed class NamedValueNode(string name) : ExpressionNode
{
    /// <summary>The names GitHub and Forgejo accept; Forgejo's own spellings all mean <c>github</c>.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "github", "gitea", "forge", "forgejo", "env", "vars", "secrets", "steps", "job", "jobs",
        "runner", "strategy", "matrix", "needs", "inputs",
    };

    public string Name { get; } = name;

    public override ExpressionValue Evaluate(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = Name.ToUpperInvariant() switch
        {
            "GITEA" or "FORGE" or "FORGEJO" => "github",
            _ => Name,
        };
        return context.Contexts[key];
    }
}
