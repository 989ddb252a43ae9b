namespace KubeRunner.Workflow.Expressions;

/// <summary>The <c>if:</c> of jobs and steps.</summary>
public static class Condition
{
    /// <summary>
    /// Evaluates a condition: blank means <paramref name="defaultCondition"/>, a single
    /// <c>${{ }}</c> wrapper is optional, and a condition that calls no status function only holds
    /// while the job succeeds (it is read as <c>success() &amp;&amp; (condition)</c>). Text mixing
    /// <c>${{ }}</c> with other text is a string, true when not empty, as on GitHub.
    /// </summary>
    /// <exception cref="ExpressionException">The condition does not parse or fails.</exception>
    public static bool Evaluate(string? condition, ExpressionContext context, string defaultCondition = "success()")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(defaultCondition);
        var text = string.IsNullOrWhiteSpace(condition) ? defaultCondition.Trim() : condition.Trim();
        if (!Template.HasExpression(text))
        {
            return Guarded(Expression.Parse(text), context);
        }

        var segments = TemplateScanner.Scan(text);
        if (Template.TrySingleExpression(segments, out var expression))
        {
            return Guarded(Expression.Parse(expression), context);
        }

        if (!Expression.UsesStatusFunction(text) && !IsSuccess(context))
        {
            return false;
        }

        return ExpressionCoercion.IsTruthy(ExpressionValue.From(Template.Interpolate(text, context)));
    }

    private static bool Guarded(ExpressionNode node, ExpressionContext context)
    {
        // Like success() && (expr): when the job is failing the expression is not evaluated at all.
        if (!Expression.UsesStatusFunction(node) && !IsSuccess(context))
        {
            return false;
        }

        return ExpressionCoercion.IsTruthy(node.Evaluate(context));
    }

    private static bool IsSuccess(ExpressionContext context) => context.Success?.Invoke() ?? true;
}
