namespace KubeRunner.Agent.Forge;

/// <summary>Checks and derives the URLs of an instance address.</summary>
internal static class ForgeAddress
{
    /// <summary>Parses an instance address as an operator writes it.</summary>
    /// <returns>null, with a one-line reason, when it is not an absolute http(s) URL.</returns>
    public static Uri? TryParse(string? text, out string error)
    {
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the instance URL is empty; give the address of the Forgejo instance, e.g. https://forge.example";
            return null;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"the instance URL '{text}' is not an http:// or https:// address, e.g. https://forge.example";
            return null;
        }

        return uri;
    }

    /// <summary>Connect base path: the instance URL without trailing slash, plus <c>/api/actions</c> (§1.1).</summary>
    public static string ConnectBase(Uri instance) => instance.AbsoluteUri.TrimEnd('/') + "/api/actions";

    /// <summary>
    /// Public instances ask runners to poll gently: forgejo-runner raises the fetch interval to 30 s
    /// for codeberg.org, and so does KubeRunner (for any host under codeberg.org).
    /// </summary>
    public static TimeSpan TuneFetchInterval(Uri instance, TimeSpan configured)
    {
        var host = instance.Host;
        var isCodeberg = host.Equals("codeberg.org", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".codeberg.org", StringComparison.OrdinalIgnoreCase);
        return isCodeberg && configured < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : configured;
    }
}
