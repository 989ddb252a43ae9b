namespace KubeRunner.Workflow.Expressions;

/// <summary>A run of literal text, or the expression text between <c>${{</c> and <c>}}</c>.</summary>
internal readonly record struct TemplateSegment(bool IsExpression, string Text);

internal static class TemplateScanner
{
    private const string Open = "${{";
    private const string Close = "}}";

    /// <summary>
    /// Splits a template; a <c>}}</c> inside a quoted string does not end the expression, so
    /// <c>${{ format('{{0}}', 1) }}</c> is one expression.
    /// </summary>
    public static List<TemplateSegment> Scan(string template)
    {
        var segments = new List<TemplateSegment>();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf(Open, at, StringComparison.Ordinal);
            if (open < 0)
            {
                segments.Add(new(false, template[at..]));
                break;
            }

            if (open > at)
            {
                segments.Add(new(false, template[at..open]));
            }

            var close = FindClose(template, open + Open.Length);
            if (close < 0)
            {
                throw ExpressionException.At("'${{' is never closed with '}}'", open + 1, template);
            }

            segments.Add(new(true, template[(open + Open.Length)..close]));
            at = close + Close.Length;
        }

        return segments;
    }

    private static int FindClose(string template, int from)
    {
        var inString = false;
        for (var i = from; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\'')
            {
                // A doubled quote inside a string toggles twice and so stays inside, as it should.
                inString = !inString;
            }
            else if (!inString && c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                return i;
            }
        }

        return -1;
    }
}
