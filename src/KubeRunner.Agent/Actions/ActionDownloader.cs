using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// Downloads one commit of an action repository into a directory: the source archive
/// (<c>{repository}/archive/{sha}.tar.gz</c>, served by Forgejo, Gitea and GitHub), or, when the server
/// has no archives, a shallow fetch with the agent machine's git.
/// </summary>
internal sealed class ActionDownloader(
    [FromKeyedServices(ActionsHttp.ServiceKey)] HttpClient http,
    GitFetcher git,
    ILogger<ActionDownloader> logger)
{
    /// <summary>Writes the tree of <paramref name="sha"/> into the existing, empty <paramref name="target"/>.</summary>
    /// <param name="reference">The ref the caller asked for, for messages.</param>
    /// <exception cref="ActionFetchException">The download failed; <paramref name="target"/> may hold part of the tree.</exception>
    public async Task DownloadAsync(ActionRepository repository, string reference, string sha, string target, CancellationToken cancellationToken)
    {
        var archiveUrl = $"{repository.Url}/archive/{sha}.tar.gz";
        try
        {
            using var response = await http.GetAsync(archiveUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented)
            {
                await FetchWithGitAsync(repository, reference, sha, target, $"{archiveUrl} answered HTTP {(int)response.StatusCode}", cancellationToken);
                return;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Failure(repository, reference, sha, $"{archiveUrl} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await ArchiveExtractor.ExtractAsync(body, target, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Failure(repository, reference, sha, $"cannot download {archiveUrl}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw Failure(repository, reference, sha, $"the archive {archiveUrl} cannot be used: {e.Message}", e);
        }
        catch (IOException e) when (e is EndOfStreamException or HttpIOException)
        {
            throw Failure(repository, reference, sha, $"the download of {archiveUrl} broke off: {e.Message}", e);
        }
    }

    // A 404 means archives are turned off, or that the commit or the repository does not exist; git tells which.
    private async Task FetchWithGitAsync(ActionRepository repository, string reference, string sha, string target, string answer, CancellationToken cancellationToken)
    {
        if (!git.IsAvailable)
        {
            throw Failure(repository, reference, sha,
                $"{answer} (no such commit, or archive downloads are turned off) and this machine has no git to fetch the commit instead");
        }

        ActionsLog.GitFallback(logger, answer, sha);
        try
        {
            await git.FetchAsync(repository.Url, sha, target, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw Failure(repository, reference, sha, $"{answer}, and fetching the commit with git did not work either: {e.Message}", e);
        }
    }

    private static ActionFetchException Failure(ActionRepository repository, string reference, string sha, string problem, Exception? inner = null) =>
        new(repository.Url, reference, $"cannot download action {repository.Url}@{reference} (commit {sha}): {problem}", inner);
}
