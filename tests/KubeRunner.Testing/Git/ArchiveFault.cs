namespace KubeRunner.Testing.Git;

/// <summary>How <see cref="LoopbackGitServer"/> spoils its archive downloads, to test what clients leave behind.</summary>
public enum ArchiveFault
{
    /// <summary>Archives are served whole.</summary>
    None,

    /// <summary>Every archive request gets 500 Internal Server Error.</summary>
    ServerError,

    /// <summary>Status 200, then only the first half of the archive and a normal end of the response.</summary>
    Truncated,
}
