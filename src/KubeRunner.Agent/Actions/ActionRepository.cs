using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Agent.Actions;

/// <summary>
/// The repository of an action, from <c>https://host/owner/repo</c> (short <c>uses:</c> names are
/// turned into such URLs with the task's default actions URL before they reach the cache).
/// </summary>
/// <param name="Url">Normalised: no trailing slash, no <c>.git</c>; the key of the cache and the base of every request.</param>
internal sealed record ActionRepository(string Url)
{
    /// <summary>Directory name of the repository in the cache: a hash, because URLs do not make safe or short paths.</summary>
    public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Url)))[..32];

    /// <summary>Checks and normalises <paramref name="repositoryUrl"/>; <paramref name="reference"/> only goes into the error message.</summary>
    public static ActionRepository Parse(string repositoryUrl, string reference)
    {
        if (!Uri.TryCreate(repositoryUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ActionFetchException(repositoryUrl, reference, $"the action repository '{repositoryUrl}' is not an http(s) URL (asked for ref '{reference}')");
        }

        // No token is ever sent for actions (as in forgejo-runner); credentials in the URL would also
        // end up in logs and the cache's metadata, so they are refused rather than ignored.
        var shown = $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ActionFetchException(shown, reference,
                $"the action repository URL {shown} carries credentials, a query or a fragment, which actions do not support (asked for ref '{reference}')");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        path = path.EndsWith(".git", StringComparison.Ordinal) ? path[..^4] : path;
        if (path.Trim('/').Length == 0)
        {
            throw new ActionFetchException(shown, reference, $"the action repository URL {shown} names no repository (asked for ref '{reference}')");
        }

        if (reference.Length == 0 || reference.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ActionFetchException(shown, reference, $"the action repository {shown} cannot be used with the ref '{reference}': it is empty or contains spaces");
        }

        return new ActionRepository($"{uri.Scheme}://{uri.Authority}{path}");
    }

    public override string ToString() => Url;
}
