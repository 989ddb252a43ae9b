namespace KubeRunner.Workflow.Expressions;

/// <summary>contains, startsWith, endsWith and join: text comparisons ignore case, as GitHub's do.</summary>
internal static class StringFunctions
{
    /// <summary>Substring test for a primitive, loose-equality membership for an array, false otherwise.</summary>
    public static bool Contains(ExpressionValue search, ExpressionValue item)
    {
        if (search.Kind == ExpressionKind.Array)
        {
            return search.AsArray.Any(element => ExpressionCoercion.LooseEquals(element, item));
        }

        return ExpressionCoercion.IsPrimitive(search) && ExpressionCoercion.IsPrimitive(item)
            && Text(search).Contains(Text(item), StringComparison.OrdinalIgnoreCase);
    }

    public static bool StartsWith(ExpressionValue text, ExpressionValue prefix) =>
        ExpressionCoercion.IsPrimitive(text) && ExpressionCoercion.IsPrimitive(prefix)
        && Text(text).StartsWith(Text(prefix), StringComparison.OrdinalIgnoreCase);

    public static bool EndsWith(ExpressionValue text, ExpressionValue suffix) =>
        ExpressionCoercion.IsPrimitive(text) && ExpressionCoercion.IsPrimitive(suffix)
        && Text(text).EndsWith(Text(suffix), StringComparison.OrdinalIgnoreCase);

    /// <summary><c>join(array, separator = ',')</c>; a single non-array value is joined as a one-element list.</summary>
    public static string Join(IReadOnlyList<ExpressionValue> arguments)
    {
        var separator = arguments.Count > 1 ? Text(arguments[1]) : ",";
        if (arguments[0].Kind != ExpressionKind.Array)
        {
            return Text(arguments[0]);
        }

        return string.Join(separator, arguments[0].AsArray.Select(Text));
    }

    private static string Text(ExpressionValue value) => ExpressionCoercion.ToFunctionText(value);
}
