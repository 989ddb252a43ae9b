using System.Diagnostics.CodeAnalysis;

namespace KubeRunner.Agent.Labels;

/// <summary>
/// A runner label in forgejo-runner's syntax <c>name[:scheme[:argument]]</c>
/// (internal/pkg/labels/labels.go): only <see cref="Name"/> is sent to Forgejo, which matches it
/// against <c>runs-on</c>; <see cref="Scheme"/> and <see cref="Argument"/> say how to run the job.
/// </summary>
internal sealed record Label(string Name, string Scheme, string Argument)
{
    public const string Docker = "docker";
    public const string Host = "host";
    public const string Lxc = "lxc";

    /// <summary>
    /// A Kubernetes label, <c>name:kubernetes</c>: its jobs become Jobs made by the profile
    /// <c>kubernetes.profiles.&lt;name&gt;</c>. An explicit scheme rather than "a name that has a
    /// profile": a bare name already means a Docker label in forgejo-runner's syntax, and a
    /// profile added later should not silently move a label's jobs to a cluster.
    /// </summary>
    public const string Kubernetes = "kubernetes";

    /// <summary>Image of a <c>docker</c> label written without argument.</summary>
    public const string DefaultDockerArgument = "//node:22-bookworm";

    /// <summary>Template of an <c>lxc</c> label written without argument.</summary>
    public const string DefaultLxcArgument = "//debian:bookworm";

    private const string Syntax = "name[:scheme[:argument]]";

    /// <summary>Parses a label; throws <see cref="LabelException"/> with a one-line explanation.</summary>
    public static Label Parse(string text) =>
        TryParse(text, out var label, out var problem) ? label : throw new LabelException(problem);

    public static bool TryParse(string text, [NotNullWhen(true)] out Label? label) => TryParse(text, out label, out _);

    /// <summary>Parses a label; on failure <paramref name="problem"/> is the message <see cref="Parse"/> would throw.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Label? label, [NotNullWhen(false)] out string? problem)
    {
        // Split on the first two colons only: docker arguments hold colons of their own (//node:22).
        var parts = text.Split(':', 3);
        var name = parts[0];
        var scheme = parts.Length > 1 ? parts[1] : Docker;
        var argument = parts.Length > 2 ? parts[2] : "";

        label = null;
        problem = Check(name, scheme, argument) is { } reason ? $"invalid label \"{text}\": {reason}" : null;
        if (problem is not null)
        {
            return false;
        }

        label = new Label(name, scheme, argument.Length > 0 ? argument : DefaultArgument(scheme));
        return true;
    }

    /// <summary>The full label string, as stored in <c>.runner</c>: <c>name:scheme[:argument]</c>.</summary>
    public override string ToString() => Argument.Length == 0 ? $"{Name}:{Scheme}" : $"{Name}:{Scheme}:{Argument}";

    private static string? Check(string name, string scheme, string argument)
    {
        // forgejo-runner accepts an empty name; KubeRunner does not, since no runs-on can match it.
        if (name.Length == 0)
        {
            return $"the name is empty (use {Syntax})";
        }

        if (name.Trim().Length != name.Length)
        {
            return $"the name \"{name}\" starts or ends with whitespace (use {Syntax})";
        }

        if (scheme is not (Docker or Host or Lxc or Kubernetes))
        {
            return $"unknown scheme \"{scheme}\" (use {Docker}, {Host}, {Lxc} or {Kubernetes}: {Syntax})";
        }

        return scheme is Host or Kubernetes && argument.Length > 0
            ? $"the {scheme} scheme takes no argument, found \"{argument}\" (use name:{scheme}{(scheme == Kubernetes ? "; the profile is kubernetes.profiles.<name>" : "")})"
            : null;
    }

    private static string DefaultArgument(string scheme) => scheme switch
    {
        Docker => DefaultDockerArgument,
        Lxc => DefaultLxcArgument,
        _ => "",
    };
}
