using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>Reads and checks a job's <c>steps</c>.</summary>
internal static class StepReader
{
    private static readonly HashSet<string> _stepKeys =
        ["id", "name", "if", "run", "uses", "shell", "with", "env", "working-directory", "continue-on-error", "timeout-minutes"];

    public static List<StepDefinition> ReadAll(YamlReader reader, YamlNode node, string jobId)
    {
        var steps = new List<StepDefinition>();
        if (node is not YamlSequenceNode sequence)
        {
            if (!YamlReader.IsNull(node))
            {
                reader.Error(node, $"steps of job '{jobId}' must be a list, got {YamlReader.Describe(node)}");
            }

            return steps;
        }

        // Step ids name steps.<id> in expressions, so two steps must not share one.
        var idsSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var where = $"step {index + 1} of job '{jobId}'";
            var item = sequence.Children[index];
            if (item is not YamlMappingNode map)
            {
                reader.Error(item, $"{where} must be a mapping, got {YamlReader.Describe(item)}");
                continue;
            }

            var step = Read(reader, map, index, where, out var idNode);
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

    private static StepDefinition Read(YamlReader reader, YamlMappingNode map, int index, string where, out YamlNode? idNode)
    {
        idNode = null;
        var step = new StepDefinition { Index = index, Line = (int)map.Start.Line };
        var hasRun = false;
        var hasUses = false;
        foreach (var (key, value) in reader.Entries(map, _stepKeys, where))
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

        return step;
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
