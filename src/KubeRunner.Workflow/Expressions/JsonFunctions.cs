using System.Text.Json;

namespace KubeRunner.Workflow.Expressions;

internal static class JsonFunctions
{
    /// <summary>
    /// Parses JSON text. Numbers and booleans are accepted as their text (fromJSON(1) is 1); arrays
    /// and objects are already values, so passing one is a mistake worth reporting.
    /// </summary>
    public static ExpressionValue FromJson(ExpressionValue argument)
    {
        if (!ExpressionCoercion.IsPrimitive(argument))
        {
            throw new ExpressionException($"fromJSON expects JSON text but got {Functions.Describe(argument)}");
        }

        var text = ExpressionCoercion.ToText(argument);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ExpressionException("fromJSON: the JSON text is empty");
        }

        try
        {
            return ExpressionValue.ParseJson(text);
        }
        catch (JsonException e)
        {
            throw new ExpressionException($"fromJSON: invalid JSON text '{Shorten(text)}': {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
