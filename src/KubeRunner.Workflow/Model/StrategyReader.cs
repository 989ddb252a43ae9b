using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>Reads <c>strategy</c>; the matrix itself is expanded later by <see cref="MatrixExpander"/>.</summary>
internal static class StrategyReader
{
    private static readonly HashSet<string> _strategyKeys = ["matrix", "fail-fast", "max-parallel"];

    public static StrategyDefinition? Read(YamlReader reader, YamlNode node, string where)
    {
        if (reader.Mapping(node, $"strategy of {where}") is not { } map)
        {
            return null;
        }

        var strategy = new StrategyDefinition(null, null, null, null);
        foreach (var (key, value) in reader.Entries(map, _strategyKeys, $"strategy of {where}"))
        {
            strategy = key.Value switch
            {
                "matrix" => ReadMatrix(reader, value, where, strategy),
                "fail-fast" => strategy with { FailFast = ScalarRules.Boolean(reader, value, "strategy.fail-fast", where) },
                _ => strategy with { MaxParallel = ScalarRules.Number(reader, value, "strategy.max-parallel", where) },
            };
        }

        return strategy;
    }

    private static StrategyDefinition ReadMatrix(YamlReader reader, YamlNode node, string where, StrategyDefinition strategy)
    {
        switch (node)
        {
            case YamlMappingNode map:
                return strategy with { Matrix = YamlValues.ToValue(map) };
            case YamlScalarNode scalar when !YamlReader.IsNull(scalar) && ScalarRules.IsExpression(scalar.Value!):
                return strategy with { MatrixExpression = scalar.Value };
            default:
                if (!YamlReader.IsNull(node))
                {
                    reader.Error(node, $"strategy.matrix of {where} must be a mapping or an expression, got {YamlReader.Describe(node)}");
                }

                return strategy;
        }
    }
}
