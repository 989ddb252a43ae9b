namespace KubeRunner.Workflow.Expressions;

/// <summary>Entry points for the text inside <c>${{ }}</c>.</summary>
public static class Expression
{
    /// <exception cref="ExpressionException">Syntax error, unknown named value or function, or wrong argument count.</exception>
    public static ExpressionNode Parse(string text) => Parser.Parse(text);

    /// <exception cref="ExpressionException">The text does not parse or a function fails.</exception>
    public static ExpressionValue Evaluate(string text, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Parse(text).Evaluate(context);
    }

    /// <summary>
    /// Whether <c>success()</c>, <c>failure()</c>, <c>cancelled()</c> or <c>always()</c> is called
    /// anywhere in the expression; such conditions are not implicitly guarded by <c>success()</c>.
    /// Text holding <c>${{ }}</c> is looked at expression by expression.
    /// </summary>
    /// <exception cref="ExpressionException">The text does not parse.</exception>
    public static bool UsesStatusFunction(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!Template.HasExpression(text))
        {
            return UsesStatusFunction(Parse(text));
        }

        return TemplateScanner.Scan(text).Any(s => s.IsExpression && UsesStatusFunction(Parse(s.Text)));
    }

    internal static bool UsesStatusFunction(ExpressionNode node) =>
        node.DescendantsAndSelf().Any(n => n is FunctionCallNode call && Functions.IsStatusFunction(call.Function.Name));
}
