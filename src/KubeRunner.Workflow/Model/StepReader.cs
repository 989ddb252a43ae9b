using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Which keys a step may carry where it is written, and how messages name the steps' owner. A job's
/// steps accept every step key; a composite action's steps follow the action schema, which gives run
/// and uses steps different keys.
/// </summary>
internal sealed record StepSchema(string Owner, IReadOnlySet<string> RunKeys, IReadOnlySet<string> UsesKeys)
{
    public HashSet<string> AllKeys { get; } = [.. RunKeys, .. UsesKeys];
}

/// <summary>Reads and checks the <c>steps</c> of a job or of a composite action.</summary>
internal static class StepReader
{
    private static readonly HashSet<string> _stepKeys =
        ["id", "name", "if", "run", "uses", "shell", "with", "env", "working-directory", "continue-on-error", "timeout-minutes"];

    public static List<StepDefinition> ReadAll(YamlReader reader, YamlNode node, string jobId) =>
        ReadAll(reader, node, new StepSchema($"job '{jobId}'", _stepKeys, _stepKeys));

    public static List<StepDefinition> ReadAll(YamlReader reader, YamlNode node, StepSchema schema)
    {
        var steps = new List<StepDefinition>();
        if (node is not YamlSequenceNode sequence)
        {
            if (!YamlReader.IsNull(node))
            {
                reader.Error(node, $"steps of {schema.Owner} must be a list, got {YamlReader.Describe(node)}");
            }

            return steps;
        }

        // Step ids name steps.<id> in expressions, so two steps must not share one.
        var idsSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var where = $"step {index + 1} of {schema.Owner}";
            var item = sequence.Children[index];
            if (item is not YamlMappingNode map)
            {
                reader.Error(item, $"{where} must be a mapping, got {YamlReader.Describe(item)}");
                continue;
            }

            var step = Read(reader, map, index, where, schema, out var idNode);
            if (step.Id is { } id && idNode is not null)
            {
                if (idsSeen.TryGetValue(id, out var first))
                {
                    reader.Error(idNode, $"step id '{id}' of {where} is already used by step {first + 1}");
                }
                else
                {
                    idsSeen[id] = index;
                }
            }

            steps.Add(step);
        }

        return steps;
    }

    private static StepDefinition Read(YamlReader reader, YamlMappingNode map, int index, string where, StepSchema schema, out YamlNode? idNode)
    {
        idNode = null;
        var step = new StepDefinition { Index = index, Line = (int)map.Start.Line };
        var hasRun = false;
        var hasUses = false;
        var entries = reader.Entries(map, schema.AllKeys, where);
        foreach (var (key, value) in entries)
        {
            switch (key.Value)
            {
                case "id":
                    idNode = value;
                    step = step with { Id = reader.Scalar(value, $"the id of {where}") };
                    break;
                case "run":
                    hasRun = true;
                    step = step with { Run = reader.Scalar(value, $"run of {where}") };
                    break;
                case "uses":
                    hasUses = true;
                    step = step with { Uses = reader.Scalar(value, $"uses of {where}") };
                    break;
                default:
                    step = ReadSetting(reader, step, key.Value!, value, where);
                    break;
            }
        }

        if (hasRun && hasUses)
        {
            reader.Error(map, $"{where} has both 'run' and 'uses', a step must have exactly one of them");
        }
        else if (!hasRun && !hasUses)
        {
            reader.Error(map, $"{where} has neither 'run' nor 'uses', a step must have exactly one of them");
        }
        else
        {
            CheckKind(reader, entries, hasRun ? "run" : "uses", hasRun ? schema.RunKeys : schema.UsesKeys, where);
        }

        return step;
    }

    private static void CheckKind(YamlReader reader, List<(YamlScalarNode Key, YamlNode Value)> entries, string kind, IReadOnlySet<string> keys, string where)
    {
        foreach (var (key, _) in entries)
        {
            if (!keys.Contains(key.Value!))
            {
                reader.Error(key, $"key '{key.Value}' cannot be used in a '{kind}' step, in {where}");
            }
        }
    }

    private static StepDefinition ReadSetting(YamlReader reader, StepDefinition step, string key, YamlNode value, string where) => key switch
    {
        "name" => step with { Name = reader.Scalar(value, $"the name of {where}") },
        "if" => step with { If = reader.Scalar(value, $"if of {where}") },
        "shell" => step with { Shell = reader.Scalar(value, $"shell of {where}") },
        "working-directory" => step with { WorkingDirectory = reader.Scalar(value, $"working-directory of {where}") },
        "env" => step with { Env = reader.StringMap(value, $"env of {where}") },
        "with" => step with { With = reader.StringMap(value, $"with of {where}") },
        "continue-on-error" => step with { ContinueOnError = ScalarRules.Boolean(reader, value, "continue-on-error", where) },
        _ => step with { TimeoutMinutes = ScalarRules.TimeoutMinutes(reader, value, where) },
    };
}
