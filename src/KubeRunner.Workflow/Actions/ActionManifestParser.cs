using System.Collections.ObjectModel;
using KubeRunner.Workflow.Model;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Actions;

/// <summary>
/// Reads an action's <c>action.yml</c> into <see cref="ActionManifest"/> and checks it against
/// forgejo-runner's action schema. Like <see cref="WorkflowParser"/> it never throws on bad input:
/// every problem becomes a <see cref="WorkflowError"/> at its line, so the step's log can show them all.
/// </summary>
public static class ActionManifestParser
{
    /// <summary>The image of <see cref="DockerfileOnly"/>: the Dockerfile at the action's root, built for the step.</summary>
    public const string DefaultDockerfile = "Dockerfile";

    private const string Where = "the action";

    private static readonly ReadOnlyCollection<string> _fileNames = Array.AsReadOnly(["action.yml", "action.yaml"]);

    private static readonly HashSet<string> _outputKeys = ["description", "value"];

    private static readonly HashSet<string> _true = ["true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];

    private static readonly HashSet<string> _false = ["false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"];

    /// <summary>
    /// The names an action's metadata file may have, in the order they are tried; a directory with
    /// neither but with a <see cref="DefaultDockerfile"/> is <see cref="DockerfileOnly"/>.
    /// </summary>
    public static IReadOnlyList<string> FileNames => _fileNames;

    public static ActionManifestParseResult Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var reader = new YamlReader();
        if (reader.LoadRoot(yaml, Where) is not { } root)
        {
            return new ActionManifestParseResult(null, reader.Errors);
        }

        return new ActionManifestParseResult(Read(reader, root), reader.Errors);
    }

    /// <summary>
    /// The action of a directory that has a Dockerfile but no metadata file: forgejo-runner runs such a
    /// directory as a docker action built from that Dockerfile, with no inputs or outputs.
    /// </summary>
    public static ActionManifest DockerfileOnly() =>
        new() { Name = "(Synthetic)", Runs = new ActionRuns { Using = "docker", Image = DefaultDockerfile } };

    private static ActionManifest? Read(YamlReader reader, YamlMappingNode root)
    {
        var manifest = new ActionManifest { Runs = new ActionRuns { Using = "" } };
        ActionRuns? runs = null;
        var sawRuns = false;
        foreach (var (key, value) in reader.Entries(root, allowed: null, Where))
        {
            switch (key.Value)
            {
                case "name":
                    manifest = manifest with { Name = reader.Scalar(value, "the action's name") ?? "" };
                    break;
                case "description":
                    manifest = manifest with { Description = reader.Scalar(value, "the action's description") ?? "" };
                    break;
                case "inputs":
                    manifest = manifest with { Inputs = ReadNamed(reader, value, "input", allowed: null, new ActionInput("", false, null, null), ReadInput) };
                    break;
                case "outputs":
                    manifest = manifest with { Outputs = ReadNamed(reader, value, "output", _outputKeys, new ActionOutput("", null), ReadOutput) };
                    break;
                case "runs":
                    sawRuns = true;
                    runs = ActionRunsReader.Read(reader, key, value);
                    break;
                default:
                    // author, branding and the like are for the marketplace; GitHub's actions carry them.
                    break;
            }
        }

        if (!sawRuns)
        {
            reader.Error(root, $"{Where} has no 'runs', which says how the action runs");
        }

        return runs is null ? null : manifest with { Runs = runs };
    }

    /// <summary>
    /// <c>inputs</c> or <c>outputs</c>: a mapping of ids to mappings of settings, where an empty value
    /// stands for no settings at all.
    /// </summary>
    private static List<KeyValuePair<string, T>> ReadNamed<T>(
        YamlReader reader, YamlNode node, string kind, IReadOnlySet<string>? allowed, T empty, Func<YamlReader, T, string, YamlNode, string, T> read)
    {
        var result = new List<KeyValuePair<string, T>>();
        if (reader.Mapping(node, $"{kind}s of {Where}") is not { } map)
        {
            return result;
        }

        foreach (var (id, value) in reader.Entries(map, allowed: null, $"{kind}s of {Where}"))
        {
            var where = $"{kind} '{id.Value}' of {Where}";
            var item = empty;
            if (reader.Mapping(value, where) is { } settings)
            {
                foreach (var (key, setting) in reader.Entries(settings, allowed, where))
                {
                    item = read(reader, item, key.Value!, setting, where);
                }
            }

            result.Add(new(id.Value!, item));
        }

        return result;
    }

    private static ActionInput ReadInput(YamlReader reader, ActionInput input, string key, YamlNode value, string where) => key switch
    {
        "description" => input with { Description = reader.Scalar(value, $"the description of {where}") ?? "" },
        "required" => input with { Required = ReadRequired(reader, value, where) },
        "default" => input with { Default = reader.Scalar(value, $"the default of {where}") },
        "deprecationMessage" => input with { DeprecationMessage = reader.Scalar(value, $"the deprecationMessage of {where}") },
        // Inputs are loosely typed in the schema: other keys (type, options, ...) are ignored.
        _ => input,
    };

    private static ActionOutput ReadOutput(YamlReader reader, ActionOutput output, string key, YamlNode value, string where) => key switch
    {
        "description" => output with { Description = reader.Scalar(value, $"the description of {where}") ?? "" },
        _ => output with { Value = reader.Scalar(value, $"the value of {where}") },
    };

    /// <summary>
    /// YAML booleans, quoted or not, and the YAML 1.1 words (yes, on, ...) the Go YAML decoder of
    /// forgejo-runner still accepts for a boolean field.
    /// </summary>
    private static bool ReadRequired(YamlReader reader, YamlNode node, string where)
    {
        var text = reader.Scalar(node, $"required of {where}");
        if (text is null || _false.Contains(text))
        {
            return false;
        }

        if (_true.Contains(text))
        {
            return true;
        }

        reader.Error(node, $"required of {where} must be true or false, got {YamlReader.Quote(text)}");
        return false;
    }
}
