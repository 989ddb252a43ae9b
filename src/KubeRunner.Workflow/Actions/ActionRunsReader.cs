using KubeRunner.Workflow.Model;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Actions;

/// <summary>
/// Reads an action's <c>runs</c>. The keys allowed depend on <c>runs.using</c>, as in forgejo-runner's
/// action schema, whose <c>runs</c> is one of a node (also go and sh), a container or a composite shape.
/// </summary>
internal static class ActionRunsReader
{
    private const string Where = "runs of the action";

    // In the order forgejo-runner lists them when it refuses an unknown runs.using.
    private static readonly string[] _known = ["composite", "docker", "node12", "node16", "node20", "node24", "go", "sh"];

    private static readonly string _knownText = string.Join(", ", _known);

    private static readonly string _noUsing = $"{Where} has no 'using', it must be one of {_knownText}";

    private static readonly HashSet<string> _scriptKeys = ["using", "main", "pre", "pre-if", "post", "post-if"];

    private static readonly HashSet<string> _dockerKeys =
        ["using", "image", "entrypoint", "args", "env", "pre-entrypoint", "pre-if", "post-entrypoint", "post-if"];

    private static readonly HashSet<string> _compositeKeys = ["using", "steps"];

    // The action schema's run-step and uses-step: no timeout-minutes, and each kind has only its own keys.
    private static readonly StepSchema _compositeSteps = new(
        "the composite action",
        new HashSet<string> { "id", "name", "if", "run", "env", "continue-on-error", "working-directory", "shell" },
        new HashSet<string> { "id", "name", "if", "uses", "env", "continue-on-error", "with" });

    /// <summary>The runs of the action, or null when its <c>using</c> is missing or unknown.</summary>
    public static ActionRuns? Read(YamlReader reader, YamlScalarNode runsKey, YamlNode node)
    {
        if (reader.Mapping(node, Where) is not { } map)
        {
            if (YamlReader.IsNull(node))
            {
                reader.Error(runsKey, _noUsing);
            }

            return null;
        }

        var entries = reader.Entries(map, allowed: null, Where);
        if (ReadUsing(reader, runsKey, entries) is not { } runner)
        {
            return null;
        }

        var keys = runner switch
        {
            "docker" => _dockerKeys,
            "composite" => _compositeKeys,
            _ => _scriptKeys,
        };
        var runs = new ActionRuns { Using = runner };
        YamlNode? stepsNode = null;
        foreach (var (key, value) in entries)
        {
            if (!keys.Contains(key.Value!))
            {
                reader.Error(key, $"unknown key '{key.Value}' in {Where}, a {runner} action");
                continue;
            }

            if (key.Value == "steps")
            {
                stepsNode = value;
            }

            runs = Read(reader, runs, key.Value!, value);
        }

        CheckRequired(reader, runsKey, runs, stepsNode);
        return runs;
    }

    private static string? ReadUsing(YamlReader reader, YamlScalarNode runsKey, List<(YamlScalarNode Key, YamlNode Value)> entries)
    {
        var index = entries.FindIndex(e => e.Key.Value == "using");
        if (index < 0)
        {
            reader.Error(runsKey, _noUsing);
            return null;
        }

        var node = entries[index].Value;
        var written = reader.Scalar(node, "runs.using");
        if (written is null)
        {
            if (node is YamlScalarNode)
            {
                reader.Error(node, $"runs.using is empty, it must be one of {_knownText}");
            }

            return null;
        }

        // forgejo-runner lower-cases the value before comparing it.
        var runner = _known.FirstOrDefault(k => string.Equals(k, written, StringComparison.OrdinalIgnoreCase));
        if (runner is null)
        {
            reader.Error(node, $"runs.using must be one of {_knownText}, got {YamlReader.Quote(written)}");
        }

        return runner;
    }

    private static ActionRuns Read(YamlReader reader, ActionRuns runs, string key, YamlNode value)
    {
        var what = $"runs.{key}";
        return key switch
        {
            "main" => runs with { Main = reader.Scalar(value, what) },
            "pre" => runs with { Pre = reader.Scalar(value, what) },
            "post" => runs with { Post = reader.Scalar(value, what) },
            "pre-if" => runs with { PreIf = reader.Scalar(value, what) },
            "post-if" => runs with { PostIf = reader.Scalar(value, what) },
            "image" => runs with { Image = reader.Scalar(value, what) },
            "entrypoint" => runs with { Entrypoint = reader.Scalar(value, what) },
            "pre-entrypoint" => runs with { PreEntrypoint = reader.Scalar(value, what) },
            "post-entrypoint" => runs with { PostEntrypoint = reader.Scalar(value, what) },
            "args" => runs with { Args = ReadArgs(reader, value) },
            "env" => runs with { Env = reader.StringMap(value, what) },
            "steps" => runs with { Steps = StepReader.ReadAll(reader, value, _compositeSteps) },
            _ => runs,
        };
    }

    private static List<string> ReadArgs(YamlReader reader, YamlNode node)
    {
        // A list only: one string would have to be split, and the schema has no rule for that.
        if (node is YamlScalarNode && !YamlReader.IsNull(node))
        {
            reader.Error(node, $"runs.args must be a list of strings, got {YamlReader.Describe(node)}");
            return [];
        }

        return reader.StringList(node, "runs.args");
    }

    private static void CheckRequired(YamlReader reader, YamlScalarNode runsKey, ActionRuns runs, YamlNode? stepsNode)
    {
        switch (runs.Using)
        {
            case "docker" when string.IsNullOrEmpty(runs.Image):
                reader.Error(runsKey, $"{Where} has no 'image': a docker action needs runs.image, a docker://image to pull or the path of a Dockerfile to build");
                break;
            case "composite" when stepsNode is null || YamlReader.IsNull(stepsNode):
                reader.Error(stepsNode ?? runsKey, $"{Where} has no 'steps': a composite action needs runs.steps, the steps it runs");
                break;
            case not ("docker" or "composite") when string.IsNullOrEmpty(runs.Main):
                reader.Error(runsKey, $"{Where} has no 'main': a {runs.Using} action needs runs.main, {MainMeaning(runs.Using)}");
                break;
            default:
                break;
        }
    }

    private static string MainMeaning(string runner) => runner switch
    {
        "sh" => "the command run with sh -c",
        "go" => "the Go file built and run",
        _ => "the script run with node",
    };
}
