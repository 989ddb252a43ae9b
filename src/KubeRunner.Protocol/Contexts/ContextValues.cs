using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Protocol.Contexts;

/// <summary>
/// Turns what the forge sent (protobuf structs and maps) into expression values: the executor builds a
/// job's contexts from them, the agent the smaller set that <c>container:</c> and <c>services:</c> see.
/// </summary>
public static class ContextValues
{
    public static ExpressionValue From(Value? value) => value?.KindCase switch
    {
        Value.KindOneofCase.BoolValue => ExpressionValue.From(value.BoolValue),
        Value.KindOneofCase.NumberValue => ExpressionValue.From(value.NumberValue),
        Value.KindOneofCase.StringValue => ExpressionValue.From(value.StringValue),
        Value.KindOneofCase.ListValue => ExpressionValue.From(value.ListValue.Values.Select(From)),
        Value.KindOneofCase.StructValue => From(value.StructValue),
        _ => ExpressionValue.Null,
    };

    public static ExpressionValue From(Struct? value)
    {
        var obj = new ExpressionObject();
        if (value is not null)
        {
            foreach (var (key, field) in value.Fields)
            {
                obj[key] = From(field);
            }
        }

        return ExpressionValue.From(obj);
    }

    /// <summary>The <c>needs</c> context: outputs and the lower-case result of each job this one needs.</summary>
    public static ExpressionValue Needs(IEnumerable<KeyValuePair<string, TaskNeed>> needs)
    {
        var obj = new ExpressionObject();
        foreach (var (id, need) in needs)
        {
            var entry = new ExpressionObject
            {
                ["outputs"] = ExpressionValue.FromStrings(need.Outputs),
                ["result"] = ExpressionValue.From(ResultName(need.Result)),
            };
            obj[id] = ExpressionValue.From(entry);
        }

        return ExpressionValue.From(obj);
    }

    public static string ResultName(Result result) => result switch
    {
        Result.Success => "success",
        Result.Failure => "failure",
        Result.Cancelled => "cancelled",
        Result.Skipped => "skipped",
        _ => "",
    };

    public static string Text(ExpressionValue github, string key) =>
        github.Kind == ExpressionKind.Object && github.AsObject.TryGetValue(key, out var value) && value.Kind != ExpressionKind.Null
            ? ExpressionCoercion.ToText(value)
            : "";
}
