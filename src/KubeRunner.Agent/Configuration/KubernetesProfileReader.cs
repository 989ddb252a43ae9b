using System.Collections.Immutable;
using k8s;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Configuration;

/// <summary>Reads <c>kubernetes.profiles</c>: label name → <see cref="KubernetesProfile"/>, every problem with its line.</summary>
internal static class KubernetesProfileReader
{
    // Config key → Kubernetes resource name, for requests, limits and caps.
    private static readonly (string Suffix, string Resource)[] _resources =
        [("cpu", "cpu"), ("memory", "memory"), ("ephemeral_storage", "ephemeral-storage")];

    public static ImmutableSortedDictionary<string, KubernetesProfile> Read(YamlNode node, string file, string path, Action<string, int> keyLine)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a mapping of label names to profiles, found {ConfigScalars.Describe(node)}");
        }

        var profiles = ImmutableSortedDictionary.CreateBuilder<string, KubernetesProfile>(StringComparer.Ordinal);
        foreach (var (nameNode, value) in mapping.Children)
        {
            if (nameNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                throw ConfigException.At(file, Line(nameNode), path, $"expected a label name, found {ConfigScalars.Describe(nameNode)}");
            }

            keyLine($"{path}.{name}", Line(nameNode));
            var profile = ConfigScalars.IsEmpty(value) ? new KubernetesProfile() : ReadProfile(value, file, $"{path}.{name}", keyLine);
            CheckCaps(profile, file, Line(nameNode), $"{path}.{name}");
            profiles[name] = profile;
        }

        return profiles.ToImmutable();
    }

    private static KubernetesProfile ReadProfile(YamlNode node, string file, string path, Action<string, int> keyLine)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a mapping of profile keys ({string.Join(", ", KubernetesProfile.Keys)}), found {ConfigScalars.Describe(node)}");
        }

        var profile = new KubernetesProfile();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var keyPath = $"{path}.{key}";
            keyLine(keyPath, Line(keyNode));
            if (!KubernetesProfile.Keys.Contains(key))
            {
                var suggestion = KeySuggestions.Suggest(key, KubernetesProfile.Keys);
                var hint = suggestion is null ? $"use {string.Join(", ", KubernetesProfile.Keys)}" : $"did you mean '{suggestion}'?";
                throw ConfigException.At(file, Line(keyNode), keyPath, $"unknown profile key ({hint})");
            }

            if (!ConfigScalars.IsEmpty(value))
            {
                profile = Apply(profile, key, value, file, keyPath);
            }
        }

        return profile;
    }

    private static KubernetesProfile Apply(KubernetesProfile profile, string key, YamlNode value, string file, string keyPath)
    {
        foreach (var (suffix, resource) in _resources)
        {
            if (key == suffix)
            {
                return profile with { Requests = profile.Requests.SetItem(resource, Quantity(value, file, keyPath)) };
            }

            if (key == suffix + "_limit")
            {
                return profile with { Limits = profile.Limits.SetItem(resource, Quantity(value, file, keyPath)) };
            }

            if (key == "max_" + suffix)
            {
                return profile with { Caps = profile.Caps.SetItem(resource, Quantity(value, file, keyPath)) };
            }
        }

        return key switch
        {
            "namespace" => profile with { Namespace = Name(value, file, keyPath, KubernetesNames.IsLabelName, "a namespace (lower-case letters, digits and '-')") },
            "image" => profile with { Image = Scalar(value, file, keyPath) },
            "executor_image" => profile with { ExecutorImage = Scalar(value, file, keyPath) },
            "node_selector" => profile with { NodeSelector = ConfigScalars.Convert(ConfigValueKind.StringMap, value, file, keyPath, static (_, _) => { }) as ImmutableSortedDictionary<string, string> ?? KubernetesProfile.Empty },
            "tolerations" => profile with { Tolerations = [.. Model<List<V1Toleration>>(value, file, keyPath, "a list of tolerations")] },
            "affinity" => profile with { Affinity = Model<V1Affinity>(value, file, keyPath, "an affinity (nodeAffinity, podAffinity, podAntiAffinity)") },
            "priority_class" => profile with { PriorityClass = Scalar(value, file, keyPath) },
            "runtime_class" => profile with { RuntimeClass = Scalar(value, file, keyPath) },
            "service_account" => profile with { ServiceAccount = Scalar(value, file, keyPath) },
            "automount_service_account_token" => profile with { AutomountServiceAccountToken = Bool(value, file, keyPath) },
            "image_pull_secrets" => profile with { ImagePullSecrets = (ImmutableArray<string>)ConfigScalars.Convert(ConfigValueKind.StringList, value, file, keyPath, static (_, _) => { }) },
            "image_pull_policy" => profile with { ImagePullPolicy = OneOf(value, file, keyPath, "Always", "IfNotPresent", "Never") },
            "pod_security_context" => profile with { PodSecurityContext = Model<V1PodSecurityContext>(value, file, keyPath, "a pod security context") },
            "security_context" => profile with { SecurityContext = Model<V1SecurityContext>(value, file, keyPath, "a container security context") },
            "labels" => profile with { Labels = Metadata(value, file, keyPath, checkValues: true) },
            "annotations" => profile with { Annotations = Metadata(value, file, keyPath, checkValues: false) },
            _ => profile with { EvictionProtection = OneOf(value, file, keyPath, KubernetesProfile.EvictionNone, KubernetesProfile.EvictionPdb, KubernetesProfile.EvictionAnnotation) },
        };
    }

    // A workflow may raise a resource up to its cap; a cap below what the profile already gives is a contradiction.
    private static void CheckCaps(KubernetesProfile profile, string file, int line, string path)
    {
        foreach (var (suffix, resource) in _resources)
        {
            if (profile.Requests.TryGetValue(resource, out var request) && profile.Limits.TryGetValue(resource, out var limit) &&
                KubernetesQuantity.Compare(request, limit) > 0)
            {
                throw ConfigException.At(file, line, $"{path}.{suffix}", $"the request {request} is above the limit {limit} ({suffix}_limit); Kubernetes would refuse the Job");
            }

            var given = profile.Limits.GetValueOrDefault(resource) ?? profile.Requests.GetValueOrDefault(resource);
            if (profile.Caps.TryGetValue(resource, out var cap) && given is not null && KubernetesQuantity.Compare(given, cap) > 0)
            {
                throw ConfigException.At(file, line, $"{path}.max_{suffix}", $"the cap {cap} is below what the profile itself gives ({given})");
            }
        }
    }

    private static string Quantity(YamlNode value, string file, string keyPath)
    {
        var text = Scalar(value, file, keyPath);
        return KubernetesQuantity.Problem(text) is { } problem ? throw ConfigException.At(file, Line(value), keyPath, problem) : text;
    }

    private static ImmutableSortedDictionary<string, string> Metadata(YamlNode value, string file, string keyPath, bool checkValues)
    {
        var map = (ImmutableSortedDictionary<string, string>)ConfigScalars.Convert(ConfigValueKind.StringMap, value, file, keyPath, static (_, _) => { });
        foreach (var (name, text) in map)
        {
            if (!KubernetesNames.IsQualifiedName(name))
            {
                throw ConfigException.At(file, Line(value), $"{keyPath}.{name}", "not a valid Kubernetes label or annotation key ([prefix/]name, letters, digits, '-', '_', '.')");
            }

            if (checkValues && !KubernetesNames.IsLabelValue(text))
            {
                throw ConfigException.At(file, Line(value), $"{keyPath}.{name}", $"'{text}' is not a valid label value (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)");
            }
        }

        return map;
    }

    // Pass-through Kubernetes YAML, read strictly so an unknown field fails here, at its line.
    private static T Model<T>(YamlNode value, string file, string keyPath, string expected)
    {
        var text = new StringWriter();
        new YamlStream(new YamlDocument(value)).Save(text, assignAnchors: false);
        try
        {
            return KubernetesYaml.Deserialize<T>(text.ToString(), strict: true);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or FormatException or InvalidCastException)
        {
            var reason = (e.InnerException ?? e).Message.ReplaceLineEndings(" ");
            throw ConfigException.At(file, Line(value), keyPath, $"expected {expected} in Kubernetes' own field names: {reason}");
        }
    }

    private static string Name(YamlNode value, string file, string keyPath, Func<string, bool> valid, string expected)
    {
        var text = Scalar(value, file, keyPath);
        return valid(text) ? text : throw ConfigException.At(file, Line(value), keyPath, $"'{text}' is not {expected}");
    }

    private static string OneOf(YamlNode value, string file, string keyPath, params string[] allowed)
    {
        var text = Scalar(value, file, keyPath);
        return allowed.Contains(text, StringComparer.Ordinal) ? text
            : throw ConfigException.At(file, Line(value), keyPath, $"'{text}' is not allowed (use {string.Join(", ", allowed)})");
    }

    private static bool Bool(YamlNode value, string file, string keyPath) => Scalar(value, file, keyPath).ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "ON" => true,
        "FALSE" or "NO" or "OFF" => false,
        var text => throw ConfigException.At(file, Line(value), keyPath, $"'{text.ToLowerInvariant()}' is not a boolean (use true or false)"),
    };

    private static string Scalar(YamlNode value, string file, string keyPath) => value is YamlScalarNode { Value: { } text }
        ? text.Trim()
        : throw ConfigException.At(file, Line(value), keyPath, $"expected a single value, found {ConfigScalars.Describe(value)}");

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
