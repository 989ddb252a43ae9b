namespace KubeRunner.Agent.Actions;

/// <summary>
/// An action could not be resolved or downloaded. <see cref="Exception.Message"/> is one complete
/// line naming the repository, the ref and the problem, fit for the job's log as it is.
/// </summary>
internal sealed class ActionFetchException : Exception
{
    public ActionFetchException(string repositoryUrl, string reference, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        RepositoryUrl = repositoryUrl;
        Reference = reference;
    }

    /// <summary>The repository as the message shows it (without credentials).</summary>
    public string RepositoryUrl { get; }

    /// <summary>The ref the caller asked for: a tag, a branch or a commit SHA.</summary>
    public string Reference { get; }
}
