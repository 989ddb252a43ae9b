using System.Text;
using System.Text.RegularExpressions;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>Kubernetes' rules for names, label keys and label values, and how free text is made to fit them.</summary>
internal static partial class KubernetesNames
{
    /// <summary>
    /// The name of a task's Job, Secret and budget, e.g. <c>kube-runner-task-42-0b6e4c5a</c>: the task id
    /// and the start of the runner's uuid, so that two runners (of two forges, whose task ids overlap)
    /// can share a namespace.
    /// </summary>
    public static string TaskObjects(long taskId, string runnerUuid)
    {
        var runner = new string([.. runnerUuid.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(8)]);
        var id = taskId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return runner.Length == 0 ? $"kube-runner-task-{id}" : $"kube-runner-task-{id}-{runner}";
    }

    /// <summary>A DNS-1123 label: at most 63 lower-case letters, digits and '-', alphanumeric at both ends (namespaces, container names).</summary>
    public static bool IsLabelName(string text) => text.Length is > 0 and <= 63 && Dns1123Label().IsMatch(text);

    /// <summary>A DNS-1123 subdomain: at most 253 characters, dot-separated labels (Secret and ConfigMap names).</summary>
    public static bool IsSubdomain(string text) => text.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(text);

    /// <summary>A label value: empty, or at most 63 letters, digits, '-', '_', '.', alphanumeric at both ends.</summary>
    public static bool IsLabelValue(string text) => text.Length == 0 || (text.Length <= 63 && LabelValue().IsMatch(text));

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static bool IsQualifiedName(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? text : text[(slash + 1)..];
        var prefix = slash < 0 ? null : text[..slash];
        return name.Length is > 0 and <= 63 && LabelValue().IsMatch(name) &&
            (prefix is null || (prefix.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(prefix)));
    }

    /// <summary>
    /// Makes free text (a repository, a job id) a valid label value: characters outside the allowed
    /// set become '_', cut to 63, trimmed to alphanumeric ends. The exact text goes into an
    /// annotation beside it; the label is only for selecting.
    /// </summary>
    public static string ToLabelValue(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 63));
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
            if (builder.Length == 63)
            {
                break;
            }
        }

        return builder.ToString().Trim('-', '_', '.');
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();
}
