namespace KubeRunner.Workflow.Expressions;

/// <param name="MaxArguments">int.MaxValue when the function takes any number of arguments.</param>
internal sealed record FunctionDefinition(
    string Name,
    int MinArguments,
    int MaxArguments,
    Func<ExpressionContext, IReadOnlyList<ExpressionValue>, ExpressionValue> Invoke);

/// <summary>The built-in functions; names are matched ignoring case, argument counts at parse time.</summary>
internal static class Functions
{
    private const int Any = int.MaxValue;

    private static readonly Dictionary<string, FunctionDefinition> _byName = new FunctionDefinition[]
    {
        new("contains", 2, 2, (_, a) => ExpressionValue.From(StringFunctions.Contains(a[0], a[1]))),
        new("startsWith", 2, 2, (_, a) => ExpressionValue.From(StringFunctions.StartsWith(a[0], a[1]))),
        new("endsWith", 2, 2, (_, a) => ExpressionValue.From(StringFunctions.EndsWith(a[0], a[1]))),
        new("format", 1, Any, (_, a) => ExpressionValue.From(FormatFunction.Format(a))),
        new("join", 1, 2, (_, a) => ExpressionValue.From(StringFunctions.Join(a))),
        new("toJSON", 1, 1, (_, a) => ExpressionValue.From(a[0].ToJson(indented: true))),
        new("fromJSON", 1, 1, (_, a) => JsonFunctions.FromJson(a[0])),
        new("hashFiles", 1, Any, HashFiles),
        new("success", 0, 0, (c, _) => ExpressionValue.From(c.Success?.Invoke() ?? true)),
        new("failure", 0, 0, (c, _) => ExpressionValue.From(c.Failure?.Invoke() ?? false)),
        new("cancelled", 0, 0, (c, _) => ExpressionValue.From(c.Cancelled?.Invoke() ?? false)),
        new("always", 0, 0, (_, _) => ExpressionValue.True),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> _statusFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "success", "failure", "cancelled", "always",
    };

    public static bool TryGet(string name, out FunctionDefinition definition) => _byName.TryGetValue(name, out definition!);

    public static bool IsStatusFunction(string name) => _statusFunctions.Contains(name);

    /// <summary>
    /// Patterns, optionally preceded by <c>--follow-symbolic-links</c> as in GitHub's own hashFiles;
    /// the hashing itself needs the workspace and belongs to the caller.
    /// </summary>
    private static ExpressionValue HashFiles(ExpressionContext context, IReadOnlyList<ExpressionValue> arguments)
    {
        if (context.HashFiles is null)
        {
            throw new ExpressionException("hashFiles is not available here");
        }

        var follow = arguments[0].Kind == ExpressionKind.String && arguments[0].AsString == "--follow-symbolic-links";
        var patterns = new List<string>();
        foreach (var argument in arguments.Skip(follow ? 1 : 0))
        {
            if (argument.Kind != ExpressionKind.String)
            {
                throw new ExpressionException($"hashFiles expects string patterns but got {Describe(argument)}");
            }

            patterns.Add(argument.AsString);
        }

        if (patterns.Count == 0)
        {
            throw new ExpressionException("hashFiles needs at least one pattern after '--follow-symbolic-links'");
        }

        return ExpressionValue.From(context.HashFiles(patterns, follow));
    }

    internal static string Describe(ExpressionValue value) => value.Kind switch
    {
        ExpressionKind.Null => "null",
        ExpressionKind.Boolean => "a boolean",
        ExpressionKind.Number => "a number",
        ExpressionKind.String => "a string",
        ExpressionKind.Array => "an array",
        _ => "an object",
    };
}

internal sealed class FunctionCallNode(FunctionDefinition function, IReadOnlyList<ExpressionNode> arguments) : ExpressionNode
{
    public FunctionDefinition Function { get; } = function;

    internal override IEnumerable<ExpressionNode> Children => arguments;

    public override ExpressionValue Evaluate(ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = new ExpressionValue[arguments.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = arguments[i].Evaluate(context);
        }

        return Function.Invoke(context, values);
    }
}
