using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

/// <summary>Strict structural comparison for test expectations: kinds must match, NaN matches NaN, key case matters.</summary>
internal static class ValueComparer
{
    public static ExpressionValue ParseExpected(string expected) => expected switch
    {
        "NaN" => ExpressionValue.From(double.NaN),
        "Infinity" => ExpressionValue.From(double.PositiveInfinity),
        "-Infinity" => ExpressionValue.From(double.NegativeInfinity),
        _ => ExpressionValue.ParseJson(expected),
    };

    public static bool Same(ExpressionValue a, ExpressionValue b)
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
            ExpressionKind.String => a.AsString == b.AsString,
            ExpressionKind.Array => a.AsArray.Count == b.AsArray.Count && a.AsArray.Zip(b.AsArray).All(p => Same(p.First, p.Second)),
            _ => a.AsObject.Count == b.AsObject.Count
                && a.AsObject.Zip(b.AsObject).All(p => p.First.Key == p.Second.Key && Same(p.First.Value, p.Second.Value)),
        };
    }

    public static string Show(ExpressionValue value) => value.Kind switch
    {
        ExpressionKind.Number when !double.IsFinite(value.AsNumber) => ExpressionValue.FormatNumber(value.AsNumber),
        _ => value.ToJson(indented: false),
    };
}
