using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>One container of the task, ready to be created: its evaluated spec, image and workflow options.</summary>
internal sealed record PlannedContainer(WorkflowContainer Spec, string Image, ContainerSettings Workflow);

/// <summary>
/// What a task's containers will be, decided before anything is created: the job container's image
/// (the job's <c>container.image</c>, else the label's, else the profile's), the services, the network,
/// and rows for the task log about what the workflow asked for and does not get.
/// </summary>
internal sealed class DockerTaskPlan
{
    private DockerTaskPlan(LabelProfile profile, PlannedContainer job, IReadOnlyList<PlannedContainer> services, string network, IReadOnlyList<string> notes)
    {
        Profile = profile;
        Job = job;
        Services = services;
        Network = network;
        Notes = notes;
    }

    public LabelProfile Profile { get; }

    public PlannedContainer Job { get; }

    public IReadOnlyList<PlannedContainer> Services { get; }

    /// <summary>A network to join, or empty for the task's own.</summary>
    public string Network { get; }

    public IReadOnlyList<string> Notes { get; }

    /// <exception cref="ContainerSpecException">The job cannot run as written; the message is the task's closing line.</exception>
    public static DockerTaskPlan Create(RunnerConfig config, TaskRun run)
    {
        var profile = LabelProfile.For(config, run.Label.Name);
        List<string> notes = [];
        var (jobSpec, serviceSpecs) = TaskContainers.Evaluate(run);

        // A label written without an image has the default one by now: the profile's image replaces that.
        var labelImage = run.Label.Argument == Label.DefaultDockerArgument && profile.Image is { } profileImage
            ? profileImage
            : ImageReference.FromLabel(run.Label);
        var image = jobSpec.Image ?? (labelImage.Length > 0 ? labelImage
            : throw new ContainerSpecException($"The label {run.Label.Name} names no image and the job has no container.image."));
        if (jobSpec.Credentials is null && run.Task.Secrets.TryGetValue("DOCKER_USERNAME", out var user) && user.Length > 0
            && run.Task.Secrets.TryGetValue("DOCKER_PASSWORD", out var password) && password.Length > 0)
        {
            // forgejo-runner's fallback for the job container's registry.
            jobSpec = jobSpec with { Credentials = new RegistryCredentials(user, password) };
        }

        var planned = Plan(jobSpec, image, profile, notes);
        List<PlannedContainer> services = [];
        foreach (var spec in serviceSpecs)
        {
            var serviceImage = spec.Image ?? throw new ContainerSpecException($"{Capitalised(spec.Subject)} names no image.");
            services.Add(Plan(spec, serviceImage, profile, notes));
            if (ServiceAlias.From(spec.ServiceId!) is var alias && alias != spec.ServiceId)
            {
                notes.Add($"Service {spec.ServiceId} is reached as {alias} (network aliases are lower case, with letters, digits and -)");
            }
        }

        return new DockerTaskPlan(profile, planned, services, jobSpec.Network ?? profile.Network, notes);
    }

    private static PlannedContainer Plan(WorkflowContainer spec, string image, LabelProfile profile, List<string> notes)
    {
        var options = DockerRunOptions.ParseWorkflow(spec.Options);
        if (options.Error is { } error)
        {
            throw new ContainerSpecException($"The options of {spec.Subject} cannot be used: {error}.");
        }

        if (options.Ignored.Count > 0)
        {
            notes.Add($"The options of {spec.Subject} include {string.Join(", ", options.Ignored)}, which this runner ignores "
                + $"(workflows may use {string.Join(", ", DockerRunOptions.WorkflowFlags.Order(StringComparer.Ordinal).Select(flag => "--" + flag))})");
        }

        if (profile.CheckMemory(spec, options.Settings) is { } tooMuch)
        {
            throw new ContainerSpecException(tooMuch);
        }

        return new PlannedContainer(spec, image, options.Settings);
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
