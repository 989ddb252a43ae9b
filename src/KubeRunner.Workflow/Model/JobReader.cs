using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>Reads and checks one entry of <c>jobs</c>.</summary>
internal static partial class JobReader
{
    // GitHub's schema plus Forgejo's cancel-timeout-minutes.
    private static readonly HashSet<string> _jobKeys =
    [
        "name", "runs-on", "needs", "if", "env", "defaults", "timeout-minutes", "cancel-timeout-minutes",
        "continue-on-error", "strategy", "container", "services", "outputs", "steps", "permissions",
        "concurrency", "environment", "uses", "with", "secrets",
    ];

    private static readonly HashSet<string> _runsOnKeys = ["group", "labels"];

    public static JobDefinition? Read(YamlReader reader, YamlScalarNode idNode, YamlNode node)
    {
        var id = idNode.Value!;
        var where = $"job '{id}'";
        if (!JobId().IsMatch(id))
        {
            reader.Error(idNode, $"job id '{id}' is invalid: it must start with a letter or '_' and contain only letters, digits, '-' or '_'");
        }

        if (node is not YamlMappingNode map)
        {
            reader.Error(node, $"{where} must be a mapping, got {YamlReader.Describe(node)}");
            return null;
        }

        var job = new JobDefinition { Id = id, Line = (int)idNode.Start.Line };
        YamlNode? stepsNode = null, runsOnNode = null;
        foreach (var (key, value) in reader.Entries(map, _jobKeys, where))
        {
            if (key.Value == "cancel-timeout-minutes")
            {
                // Checked only: the server, not the runner, acts on it.
                ScalarRules.TimeoutMinutes(reader, value, where, key.Value);
                continue;
            }

            job = key.Value switch
            {
                "name" => job with { Name = reader.Scalar(value, $"the name of {where}") },
                "runs-on" => job with { RunsOn = ReadRunsOn(reader, runsOnNode = value, where) },
                "needs" => job with { Needs = reader.StringList(value, $"needs of {where}") },
                "if" => job with { If = reader.Scalar(value, $"if of {where}") },
                "env" => job with { Env = reader.StringMap(value, $"env of {where}") },
                "defaults" => job with { Defaults = WorkflowParser.ReadDefaults(reader, value, where) },
                "timeout-minutes" => job with { TimeoutMinutes = ScalarRules.TimeoutMinutes(reader, value, where) },
                "continue-on-error" => job with { ContinueOnError = ScalarRules.Boolean(reader, value, "continue-on-error", where) },
                "strategy" => job with { Strategy = StrategyReader.Read(reader, value, where) },
                "container" => job with { Container = ContainerReader.Read(reader, value, $"the container of {where}") },
                "services" => job with { Services = ContainerReader.ReadServices(reader, value, where) },
                "outputs" => job with { Outputs = reader.StringMap(value, $"outputs of {where}") },
                "steps" => job with { Steps = StepReader.ReadAll(reader, stepsNode = value, id) },
                "uses" => job with { Uses = reader.Scalar(value, $"uses of {where}") },
                "with" => job with { With = reader.StringMap(value, $"with of {where}") },
                // permissions, concurrency, environment and secrets are the server's business.
                _ => job,
            };
        }

        CheckShape(reader, job, idNode, stepsNode, runsOnNode);
        return job;
    }

    private static void CheckShape(YamlReader reader, JobDefinition job, YamlScalarNode idNode, YamlNode? stepsNode, YamlNode? runsOnNode)
    {
        var where = $"job '{job.Id}'";
        if (job.Uses is not null)
        {
            if (stepsNode is not null)
            {
                reader.Error(stepsNode, $"{where} calls a reusable workflow with 'uses' and cannot also have 'steps'");
            }

            return;
        }

        if (stepsNode is null || stepsNode is YamlSequenceNode { Children.Count: 0 } || YamlReader.IsNull(stepsNode))
        {
            reader.Error(stepsNode ?? idNode, $"{where} has no steps");
        }

        if (runsOnNode is null)
        {
            reader.Error(idNode, $"{where} has no 'runs-on'");
        }
    }

    private static List<string> ReadRunsOn(YamlReader reader, YamlNode node, string where)
    {
        if (node is not YamlMappingNode map)
        {
            return reader.StringList(node, $"runs-on of {where}");
        }

        // The {group, labels} form: forgejo-runner flattens it to the labels followed by the group.
        List<string> labels = [];
        string? group = null;
        foreach (var (key, value) in reader.Entries(map, _runsOnKeys, $"runs-on of {where}"))
        {
            if (key.Value == "group")
            {
                group = reader.Scalar(value, $"runs-on.group of {where}");
            }
            else
            {
                labels = reader.StringList(value, $"runs-on.labels of {where}");
            }
        }

        if (!string.IsNullOrEmpty(group))
        {
            labels.Add(group);
        }

        return labels;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex JobId();
}
