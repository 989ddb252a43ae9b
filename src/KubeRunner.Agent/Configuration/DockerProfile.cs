using KubeRunner.Agent.Backends.Docker.Spec;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// One entry of <c>docker.profiles</c>: how containers of the Docker label of that name are made.
/// Unset keys fall back to the <c>container</c> section (privileged, network, options) or to nothing.
/// </summary>
internal sealed record DockerProfile
{
    public static readonly IReadOnlyList<string> Keys = ["image", "cpus", "memory", "privileged", "network", "options"];

    /// <summary>The image when the label names none (<c>name:docker://</c> or plain <c>name</c>); empty for none.</summary>
    public string Image { get; init; } = "";

    /// <summary>CPUs each job container may use, e.g. 4 or 1.5; null for no limit.</summary>
    public double? Cpus { get; init; }

    /// <summary>Memory limit as written (<c>8g</c>), also the most a workflow's <c>--memory</c> may ask for; empty for none.</summary>
    public string Memory { get; init; } = "";

    /// <summary>Null means <c>container.privileged</c>.</summary>
    public bool? Privileged { get; init; }

    /// <summary>Null means <c>container.network</c>; empty means a network per task.</summary>
    public string? Network { get; init; }

    /// <summary>Extra <c>docker run</c> flags of the operator (<see cref="DockerRunOptions.OperatorFlags"/>), after <c>container.options</c>.</summary>
    public string Options { get; init; } = "";

    public long? MemoryBytes => Memory.Length > 0 && DockerSize.TryParse(Memory, out var bytes) ? bytes : null;
}
