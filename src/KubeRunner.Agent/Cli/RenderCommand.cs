using System.CommandLine;
using k8s;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// <c>kube-runner render</c>: prints the Job and Secret (and PodDisruptionBudget) a job of a workflow
/// would get under a Kubernetes profile, without contacting a cluster, like <c>helm template</c>.
/// Secret values are a placeholder; expressions in <c>container:</c> see empty secrets and vars.
/// </summary>
internal static class RenderCommand
{
    public const string Placeholder = "<set by the agent per task>";

    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var workflowArgument = new Argument<string>("workflow") { Description = "The workflow file" };
        var label = new Option<string>("--label", "-l") { Description = "The Kubernetes profile (kubernetes.profiles.<label>) to render with", HelpName = "name", Required = true };
        var job = new Option<string?>("--job", "-j") { Description = "The job to render (default: the workflow's only job)", HelpName = "id" };
        var command = new Command("render", "Print the Kubernetes Job and Secret a workflow's job would get under a profile, without contacting a cluster; secret values are not printed")
        {
            workflowArgument, label, job,
        };
        command.SetAction(parse =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            var labelName = parse.GetValue(label)!;
            if (!config.Kubernetes.Profiles.TryGetValue(labelName, out var profile))
            {
                var known = config.Kubernetes.Profiles.Count == 0 ? "none are configured" : $"configured: {string.Join(", ", config.Kubernetes.Profiles.Keys)}";
                throw new CliException(ExitCodes.Usage, $"--label: no Kubernetes profile '{labelName}' in kubernetes.profiles ({known})");
            }

            var path = context.ResolvePath(parse.GetValue(workflowArgument)!);
            var definition = ReadJob(path, parse.GetValue(job));
            var request = Request(config, profile, labelName, definition);
            KubernetesTaskObjects objects;
            try
            {
                objects = KubernetesJobBuilder.Build(request);
            }
            catch (KubernetesSpecException e)
            {
                throw new CliException(ExitCodes.Configuration, $"{path}: job '{definition.Id}': {e.Message}");
            }

            context.Out.Write(Render(objects));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The objects as one multi-document YAML, the Secret's values replaced by <see cref="Placeholder"/>.</summary>
    public static string Render(KubernetesTaskObjects objects)
    {
        var secret = objects.Secret;
        var redacted = new k8s.Models.V1Secret
        {
            ApiVersion = secret.ApiVersion,
            Kind = secret.Kind,
            Type = secret.Type,
            Metadata = secret.Metadata,
            StringData = (secret.StringData ?? new Dictionary<string, string>()).Keys.ToDictionary(key => key, _ => Placeholder, StringComparer.Ordinal),
        };
        var documents = new List<object> { objects.Job, redacted };
        if (objects.DisruptionBudget is { } budget)
        {
            documents.Add(budget);
        }

        return string.Join("---\n", documents.Select(KubernetesYaml.Serialize).Select(text => text.EndsWith('\n') ? text : text + "\n"));
    }

    private static JobDefinition ReadJob(string path, string? jobId)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"cannot read the workflow {path}: {e.Message}");
        }

        var parsed = WorkflowParser.Parse(yaml);
        if (!parsed.Ok)
        {
            throw new CliException(ExitCodes.Configuration, $"{path}: {parsed.Errors[0]}");
        }

        var jobs = parsed.Workflow!.Jobs;
        if (jobId is not null)
        {
            return jobs.FirstOrDefault(j => j.Id == jobId)
                ?? throw new CliException(ExitCodes.Usage, $"--job: no job '{jobId}' in {path} (jobs: {string.Join(", ", jobs.Select(j => j.Id))})");
        }

        return jobs.Count == 1 ? jobs[0]
            : throw new CliException(ExitCodes.Usage, $"{path} has {jobs.Count} jobs; choose one with --job ({string.Join(", ", jobs.Select(j => j.Id))})");
    }

    private static KubernetesJobRequest Request(RunnerConfig config, KubernetesProfile profile, string labelName, JobDefinition job)
    {
        // No task: the expressions of container: and services: see empty contexts, as a dry run should.
        var context = new ExpressionContext();
        WorkflowContainer Evaluate(string? id, ContainerDefinition definition)
        {
            try
            {
                return WorkflowContainer.Evaluate(id, definition, context);
            }
            catch (ContainerSpecException e)
            {
                throw new CliException(ExitCodes.Configuration, e.Message);
            }
        }

        return new KubernetesJobRequest(
            profile,
            labelName,
            config.Kubernetes.Namespace,
            RunnerUuid: "00000000-0000-0000-0000-000000000000",
            TaskId: 0,
            Repository: "owner/repository",
            RunId: "0",
            JobId: job.Id,
            job.Container is { } container ? Evaluate(null, container) : WorkflowContainer.None,
            [.. job.Services.Select(s => Evaluate(s.Key, s.Value))],
            config.Runner.Timeout,
            config.Executor.ReconnectWindow,
            AgentAddress: Placeholder,
            ExecutorToken: Placeholder,
            SecretValues: []);
    }
}
