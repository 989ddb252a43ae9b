using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// What the operator says about containers of one Docker label: <c>container.*</c> for every Docker
/// label, overridden by <c>docker.profiles.&lt;label&gt;</c>. Options were checked when the config loaded.
/// </summary>
/// <param name="Image">The profile's default image, or null.</param>
/// <param name="Memory">The memory limit, and the most a workflow's <c>--memory</c> may ask for.</param>
/// <param name="MemorySource">Where <paramref name="Memory"/> was set, for messages.</param>
/// <param name="Network">A network to join, or empty for a network per task.</param>
/// <param name="Settings">The operator's options: <c>container.options</c>, then the profile's.</param>
internal sealed record LabelProfile(
    string? Image, double? Cpus, long? Memory, string MemoryText, string MemorySource, bool Privileged, string Network, ContainerSettings Settings)
{
    public static LabelProfile For(RunnerConfig config, string labelName)
    {
        var profile = config.Docker.Profiles.GetValueOrDefault(labelName);
        var global = DockerRunOptions.ParseOperator(config.Container.Options).Settings;
        var settings = profile is null ? global : ContainerSettings.Merge(global, DockerRunOptions.ParseOperator(profile.Options).Settings);
        var (memory, memoryText, memorySource) = profile?.MemoryBytes is { } bytes
            ? (bytes, profile.Memory, $"docker.profiles.{labelName}.memory")
            : (settings.Memory, settings.MemoryText ?? "", "the runner's --memory option");
        return new LabelProfile(
            profile?.Image is { Length: > 0 } image ? image : null,
            profile?.Cpus ?? settings.Cpus,
            memory,
            memoryText,
            memorySource,
            profile?.Privileged ?? config.Container.Privileged,
            profile?.Network ?? config.Container.Network,
            settings);
    }

    /// <summary>Null when a workflow's <c>--memory</c> is within the limit, else the task's closing message naming both values.</summary>
    public string? CheckMemory(WorkflowContainer spec, ContainerSettings workflow) =>
        workflow.Memory is { } asked && Memory is { } cap && asked > cap
            ? $"The options of {spec.Subject} ask for --memory {workflow.MemoryText}, more than the {MemoryText} this runner allows ({MemorySource})."
            : null;
}
