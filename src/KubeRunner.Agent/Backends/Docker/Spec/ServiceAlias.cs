using System.Text.RegularExpressions;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>The network alias of a service, as forgejo-runner makes it: the id lower-cased, anything but <c>[a-z0-9-]</c> replaced by <c>_</c>.</summary>
internal static partial class ServiceAlias
{
    public static string From(string serviceId) => Invalid().Replace(serviceId.ToLowerInvariant(), "_");

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex Invalid();
}
