namespace KubeRunner.Testing.Docker;

/// <summary>What <see cref="TestContainer.RunAsync"/> adds to a container before starting it.</summary>
public sealed class ContainerOptions
{
    /// <summary>Environment variables of the container's main process.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Host directories whose contents are copied into the container (created if missing) before it starts.</summary>
    public IList<ContainerCopy> Copies { get; } = [];
}

/// <summary>The contents of <paramref name="HostDirectory"/> end up in <paramref name="ContainerDirectory"/>.</summary>
public sealed record ContainerCopy(string HostDirectory, string ContainerDirectory);
