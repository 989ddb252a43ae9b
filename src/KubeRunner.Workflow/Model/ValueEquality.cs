using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Structural equality of values, for matching matrix filters (the expression language's own
/// <c>==</c> compares arrays and objects by reference, which is not what a filter means).
/// </summary>
internal static class ValueEquality
{
    public static bool DeepEquals(ExpressionValue a, ExpressionValue b)
    {
        if (a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            ExpressionKind.Null => true,
            ExpressionKind.Boolean => a.AsBoolean == b.AsBoolean,
            ExpressionKind.Number => a.AsNumber.Equals(b.AsNumber),
            ExpressionKind.String => string.Equals(a.AsString, b.AsString, StringComparison.Ordinal),
            ExpressionKind.Array => a.AsArray.Count == b.AsArray.Count && a.AsArray.Zip(b.AsArray).All(p => DeepEquals(p.First, p.Second)),
            _ => a.AsObject.Count == b.AsObject.Count
                && a.AsObject.All(m => b.AsObject.TryGetValue(m.Key, out var other) && DeepEquals(m.Value, other)),
        };
    }
}
