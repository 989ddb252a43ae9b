using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// Turns an action's ref (tag, branch) into a commit SHA without git: one request for the ref
/// advertisement of git's smart HTTP protocol (<c>info/refs?service=git-upload-pack</c>), which
/// Forgejo, Gitea and GitHub serve without authentication for public repositories.
/// </summary>
internal sealed class GitRefResolver([FromKeyedServices(ActionsHttp.ServiceKey)] HttpClient http, ILogger<GitRefResolver> logger)
{
    // Ref advertisements of large repositories run to a few MiB; far more means something else answered.
    private const int MaxAdvertisementBytes = 64 << 20;

    /// <summary>Resolves <paramref name="reference"/> in the repository at <paramref name="repositoryUrl"/> to a full commit SHA (lower case).</summary>
    /// <exception cref="ActionFetchException">Unknown repository or ref, or the server cannot be reached.</exception>
    public Task<string> ResolveAsync(string repositoryUrl, string reference, CancellationToken cancellationToken) =>
        ResolveAsync(ActionRepository.Parse(repositoryUrl, reference), reference, cancellationToken);

    internal async Task<string> ResolveAsync(ActionRepository repository, string reference, CancellationToken cancellationToken)
    {
        if (GitSha.IsFull(reference))
        {
            return reference.ToLowerInvariant();
        }

        var advertisement = await FetchAdvertisementAsync(repository, reference, cancellationToken);
        if (advertisement.Resolve(reference) is { } sha)
        {
            ActionsLog.Resolved(logger, repository.Url, reference, sha);
            return sha;
        }

        throw new ActionFetchException(repository.Url, reference, GitSha.IsAbbreviated(reference)
            ? $"the action repository {repository.Url} has no branch or tag '{reference}', and shortened commit SHAs are not supported: use the full 40-character SHA"
            : $"the action repository {repository.Url} has no branch or tag '{reference}'");
    }

    private async Task<GitRefAdvertisement> FetchAdvertisementAsync(ActionRepository repository, string reference, CancellationToken cancellationToken)
    {
        // "owner/repo.git/info/refs" is what git itself asks for and what Forgejo, Gitea, GitHub and a
        // plain git http-backend serve; some servers only know the name without .git, so try that too.
        HttpStatusCode? status = null;
        foreach (var url in (string[])[$"{repository.Url}.git/info/refs?service=git-upload-pack", $"{repository.Url}/info/refs?service=git-upload-pack"])
        {
            using var response = await SendAsync(repository, reference, url, cancellationToken);
            status = response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return await ReadAdvertisementAsync(repository, reference, response, cancellationToken);
            }

            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                break;
            }
        }

        throw new ActionFetchException(repository.Url, reference, status is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? $"the action repository {repository.Url} does not exist or is not public (HTTP {(int)status} while looking up '{reference}')"
            : $"the action repository {repository.Url} could not be asked for '{reference}': HTTP {(int)status!} {status}");
    }

    private async Task<HttpResponseMessage> SendAsync(ActionRepository repository, string reference, string url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ActionFetchException(repository.Url, reference, $"cannot reach {repository.Url} to look up '{reference}': {e.Message}", e);
        }
    }

    private static async Task<GitRefAdvertisement> ReadAdvertisementAsync(ActionRepository repository, string reference, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var smart = response.Content.Headers.ContentType?.MediaType == "application/x-git-upload-pack-advertisement";
        try
        {
            if (response.Content.Headers.ContentLength > MaxAdvertisementBytes)
            {
                throw new FormatException($"it is larger than {MaxAdvertisementBytes >> 20} MiB");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            await CopyBoundedAsync(body, buffer, cancellationToken);
            return GitRefAdvertisement.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), smart);
        }
        catch (Exception e) when (e is FormatException or IOException or HttpRequestException)
        {
            throw new ActionFetchException(repository.Url, reference,
                $"the action repository {repository.Url} sent a ref list that cannot be read while looking up '{reference}': {e.Message}", e);
        }
    }

    private static async Task CopyBoundedAsync(Stream source, MemoryStream target, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (target.Length + read > MaxAdvertisementBytes)
            {
                throw new FormatException($"it is larger than {MaxAdvertisementBytes >> 20} MiB");
            }

            target.Write(chunk, 0, read);
        }
    }
}
