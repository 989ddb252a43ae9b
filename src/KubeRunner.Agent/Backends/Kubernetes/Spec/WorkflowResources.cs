using KubeRunner.Agent.Configuration;
using KubeRunner.Workflow.Shells;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>
/// What a workflow asks for through <c>container.options</c> on a Kubernetes label:
/// <c>--cpus N</c>, <c>--memory Q</c> and <c>--ephemeral-storage Q</c>, each a Kubernetes quantity.
/// The value becomes both request and limit of the job container, and may not exceed the profile's
/// cap (<c>max_cpu</c>, <c>max_memory</c>, <c>max_ephemeral_storage</c>); without a cap the profile's
/// value cannot be changed. Other flags are Docker's and are refused rather than silently dropped.
/// </summary>
internal static class WorkflowResources
{
    private static readonly Dictionary<string, (string Resource, string CapKey)> _flags = new(StringComparer.Ordinal)
    {
        ["--cpus"] = ("cpu", "max_cpu"),
        ["--memory"] = ("memory", "max_memory"),
        ["-m"] = ("memory", "max_memory"),
        ["--ephemeral-storage"] = ("ephemeral-storage", "max_ephemeral_storage"),
    };

    /// <summary>The requests and limits of the job container.</summary>
    /// <exception cref="KubernetesSpecException">A flag is unknown, a value is not a quantity, or a cap is exceeded.</exception>
    public static (IReadOnlyDictionary<string, string> Requests, IReadOnlyDictionary<string, string> Limits) Resolve(KubernetesProfile profile, string label, string options)
    {
        var requests = new SortedDictionary<string, string>(profile.Requests, StringComparer.Ordinal);
        var limits = new SortedDictionary<string, string>(profile.Limits, StringComparer.Ordinal);

        // A request without a limit is limited to itself: a heavy job gets what it asked and no more.
        foreach (var (resource, request) in profile.Requests)
        {
            limits.TryAdd(resource, request);
        }

        foreach (var (flag, value) in Parse(options))
        {
            var (resource, capKey) = _flags[flag];
            if (KubernetesQuantity.Problem(value) is { } problem)
            {
                throw new KubernetesSpecException($"container.options {flag}: {problem}");
            }

            if (!profile.Caps.TryGetValue(resource, out var cap))
            {
                throw new KubernetesSpecException($"container.options {flag} {value}: the profile '{label}' lets workflows change no {resource} (its admin sets {capKey} for that)");
            }

            if (KubernetesQuantity.Compare(value, cap) > 0)
            {
                throw new KubernetesSpecException($"container.options {flag} {value} is above the cap {cap} of profile '{label}' ({capKey})");
            }

            requests[resource] = value;
            limits[resource] = value;
        }

        return (requests, limits);
    }

    private static List<(string Flag, string Value)> Parse(string options)
    {
        var words = ShellWords.Split(options);
        var result = new List<(string, string)>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? word[..equals] : word;
            if (!_flags.ContainsKey(flag))
            {
                throw new KubernetesSpecException($"container.options: '{word}' is not supported on Kubernetes (use --cpus, --memory or --ephemeral-storage)");
            }

            if (equals > 0)
            {
                result.Add((flag, word[(equals + 1)..]));
            }
            else if (i + 1 < words.Count)
            {
                result.Add((flag, words[++i]));
            }
            else
            {
                throw new KubernetesSpecException($"container.options: {flag} needs a value, e.g. {flag} 8");
            }
        }

        return result;
    }
}
