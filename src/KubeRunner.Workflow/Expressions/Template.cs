using System.Text;

namespace KubeRunner.Workflow.Expressions;

/// <summary>Strings from the workflow that may embed <c>${{ expr }}</c>.</summary>
public static class Template
{
    public static bool HasExpression(string? text) => text is not null && text.Contains("${{", StringComparison.Ordinal);

    /// <summary>Replaces every <c>${{ expr }}</c> with the text of its value (<see cref="ExpressionCoercion.ToText"/>).</summary>
    /// <exception cref="ExpressionException">An expression is unclosed, does not parse or fails.</exception>
    public static string Interpolate(string template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        if (!HasExpression(template))
        {
            return template;
        }

        var output = new StringBuilder(template.Length);
        foreach (var segment in TemplateScanner.Scan(template))
        {
            output.Append(segment.IsExpression ? ExpressionCoercion.ToText(Expression.Evaluate(segment.Text, context)) : segment.Text);
        }

        return output.ToString();
    }

    /// <summary>
    /// A template that is a single <c>${{ expr }}</c> (whitespace around it allowed) keeps the
    /// value's type, so <c>with: ${{ fromJSON('[1]') }}</c> stays an array; anything else is a string.
    /// </summary>
    public static ExpressionValue EvaluateValue(string template, ExpressionContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        if (!HasExpression(template))
        {
            return ExpressionValue.From(template);
        }

        var segments = TemplateScanner.Scan(template);
        if (TrySingleExpression(segments, out var expression))
        {
            return Expression.Evaluate(expression, context);
        }

        return ExpressionValue.From(Interpolate(template, context));
    }

    internal static bool TrySingleExpression(List<TemplateSegment> segments, out string expression)
    {
        var expressions = segments.Where(s => s.IsExpression).ToList();
        var onlyBlankAround = segments.All(s => s.IsExpression || string.IsNullOrWhiteSpace(s.Text));
        expression = expressions.Count == 1 ? expressions[0].Text : string.Empty;
        return expressions.Count == 1 && onlyBlankAround;
    }
}
