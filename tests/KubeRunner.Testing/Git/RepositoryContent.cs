namespace KubeRunner.Testing.Git;

/// <summary>What one commit of a <see cref="LoopbackGitServer"/> repository holds.</summary>
/// <param name="Files">Paths (with <c>/</c>, nested directories allowed) and their text.</param>
public sealed record RepositoryContent(IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Paths among <see cref="Files"/> committed with mode 755.</summary>
    public IReadOnlyCollection<string> Executables { get; init; } = [];

    /// <summary>Symbolic links to commit: path and target, as <c>ln -s target path</c> would make them.</summary>
    public IReadOnlyDictionary<string, string> Symlinks { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
