using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>
/// Reads a workflow document into <see cref="WorkflowDefinition"/> and validates it against the
/// keys and shapes of the workflow schema. It never throws on bad input: every problem becomes a
/// <see cref="WorkflowError"/> naming its line, so the job log can show all of them at once.
/// </summary>
public static class WorkflowParser
{
    // GitHub's schema plus what Forgejo's own schema adds (enable-email-notifications, description).
    private static readonly HashSet<string> _workflowKeys =
        ["name", "run-name", "on", "env", "defaults", "jobs", "permissions", "concurrency", "enable-email-notifications", "description"];

    private static readonly HashSet<string> _defaultsKeys = ["run"];

    private static readonly HashSet<string> _defaultsRunKeys = ["shell", "working-directory"];

    public static WorkflowParseResult Parse(string yaml) => Parse(yaml, singleJob: false);

    /// <summary>As <see cref="Parse(string)"/>, for a task payload: it must hold exactly one job.</summary>
    public static WorkflowParseResult ParseSingleJob(string payload) => Parse(payload, singleJob: true);

    private static WorkflowParseResult Parse(string yaml, bool singleJob)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var reader = new YamlReader();
        if (reader.LoadRoot(yaml, "the workflow") is not { } root)
        {
            return new WorkflowParseResult(null, reader.Errors);
        }

        var workflow = ReadWorkflow(reader, root, singleJob);
        return new WorkflowParseResult(workflow, reader.Errors);
    }

    private static WorkflowDefinition ReadWorkflow(YamlReader reader, YamlMappingNode root, bool singleJob)
    {
        string? name = null, runName = null;
        List<string> on = [];
        List<KeyValuePair<string, string>> env = [];
        var defaults = RunDefaults.None;
        List<JobDefinition> jobs = [];
        var sawJobs = false;

        foreach (var (key, value) in reader.Entries(root, _workflowKeys, "the workflow"))
        {
            switch (key.Value)
            {
                case "name":
                    name = reader.Scalar(value, "the workflow's name");
                    break;
                case "run-name":
                    runName = reader.Scalar(value, "the workflow's run-name");
                    break;
                case "on":
                    on = ReadOn(reader, value);
                    break;
                case "env":
                    env = reader.StringMap(value, "the workflow's env");
                    break;
                case "defaults":
                    defaults = ReadDefaults(reader, value, "the workflow");
                    break;
                case "jobs":
                    sawJobs = true;
                    jobs = ReadJobs(reader, value, singleJob);
                    break;
                default:
                    // permissions, concurrency and the rest are the server's business.
                    break;
            }
        }

        if (!sawJobs)
        {
            reader.Error(root, "the workflow has no 'jobs'");
        }

        return new WorkflowDefinition(name, runName, on, env, defaults, jobs);
    }

    private static List<string> ReadOn(YamlReader reader, YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            // The event names are the keys; their filters (branches, paths, ...) are the server's.
            return [.. reader.Entries(map, allowed: null, "'on'").Select(e => e.Key.Value!)];
        }

        return reader.StringList(node, "'on'");
    }

    internal static RunDefaults ReadDefaults(YamlReader reader, YamlNode node, string owner)
    {
        if (reader.Mapping(node, $"defaults of {owner}") is not { } map)
        {
            return RunDefaults.None;
        }

        var defaults = RunDefaults.None;
        foreach (var (_, value) in reader.Entries(map, _defaultsKeys, $"defaults of {owner}"))
        {
            if (reader.Mapping(value, $"defaults.run of {owner}") is not { } run)
            {
                continue;
            }

            foreach (var (key, setting) in reader.Entries(run, _defaultsRunKeys, $"defaults.run of {owner}"))
            {
                defaults = key.Value == "shell"
                    ? defaults with { Shell = reader.Scalar(setting, $"defaults.run.shell of {owner}") }
                    : defaults with { WorkingDirectory = reader.Scalar(setting, $"defaults.run.working-directory of {owner}") };
            }
        }

        return defaults;
    }

    private static List<JobDefinition> ReadJobs(YamlReader reader, YamlNode node, bool singleJob)
    {
        if (node is not YamlMappingNode map)
        {
            reader.Error(node, $"'jobs' must be a mapping of job ids to jobs, got {YamlReader.Describe(node)}");
            return [];
        }

        if (singleJob && map.Children.Count != 1)
        {
            reader.Error(map, $"a task carries exactly one job, this payload has {map.Children.Count}");
        }
        else if (map.Children.Count == 0)
        {
            reader.Error(map, "the workflow has no jobs");
        }

        var jobs = new List<JobDefinition>(map.Children.Count);
        foreach (var (id, value) in reader.Entries(map, allowed: null, "'jobs'"))
        {
            if (JobReader.Read(reader, id, value) is { } job)
            {
                jobs.Add(job);
            }
        }

        return jobs;
    }
}
