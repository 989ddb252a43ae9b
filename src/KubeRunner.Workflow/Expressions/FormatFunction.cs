using System.Globalization;
using System.Text;

namespace KubeRunner.Workflow.Expressions;

/// <summary><c>format('{0} and {1}', a, b)</c> with <c>{{</c> and <c>}}</c> for literal braces.</summary>
internal static class FormatFunction
{
    public static string Format(IReadOnlyList<ExpressionValue> arguments)
    {
        var format = ExpressionCoercion.ToFunctionText(arguments[0]);
        var output = new StringBuilder(format.Length);
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                output.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                output.Append('}');
                i += 2;
            }
            else if (c == '{')
            {
                var close = format.IndexOf('}', i + 1);
                if (close < 0)
                {
                    throw Invalid(format, $"'{{' at position {i + 1} is never closed");
                }

                var index = ParseIndex(format, format.AsSpan(i + 1, close - i - 1), i);
                if (index >= arguments.Count - 1)
                {
                    throw new ExpressionException(
                        $"The format string '{format}' references argument {{{index}}} but only {arguments.Count - 1} argument(s) were supplied");
                }

                output.Append(ExpressionCoercion.ToFunctionText(arguments[index + 1]));
                i = close + 1;
            }
            else if (c == '}')
            {
                throw Invalid(format, $"'}}' at position {i + 1} has no opening '{{' (write '}}}}' for a literal brace)");
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        return output.ToString();
    }

    private static int ParseIndex(string format, ReadOnlySpan<char> digits, int at)
    {
        // Only plain argument numbers: GitHub has no alignment or format specifiers.
        foreach (var d in digits)
        {
            if (!char.IsAsciiDigit(d))
            {
                throw Invalid(format, $"'{{{digits}}}' at position {at + 1} is not an argument number");
            }
        }

        if (digits.IsEmpty || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Invalid(format, $"'{{{digits}}}' at position {at + 1} is not an argument number");
        }

        return index;
    }

    private static ExpressionException Invalid(string format, string problem) =>
        new($"The format string '{format}' is invalid: {problem}");
}
