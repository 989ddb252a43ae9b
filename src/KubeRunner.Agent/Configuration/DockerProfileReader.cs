using System.Collections.Immutable;
using System.Globalization;
using KubeRunner.Agent.Backends.Docker.Spec;
using YamlDotNet.RepresentationModel;

namespace KubeRunner.Agent.Configuration;

/// <summary>Reads <c>docker.profiles</c>: label name → <see cref="DockerProfile"/>, every problem with its line.</summary>
internal static class DockerProfileReader
{
    public static ImmutableSortedDictionary<string, DockerProfile> Read(YamlNode node, string file, string path, Action<string, int> keyLine)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a mapping of label names to profiles, found {ConfigScalars.Describe(node)}");
        }

        var profiles = ImmutableSortedDictionary.CreateBuilder<string, DockerProfile>(StringComparer.Ordinal);
        foreach (var (nameNode, value) in mapping.Children)
        {
            if (nameNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                throw ConfigException.At(file, Line(nameNode), path, $"expected a label name, found {ConfigScalars.Describe(nameNode)}");
            }

            keyLine($"{path}.{name}", Line(nameNode));
            profiles[name] = ConfigScalars.IsEmpty(value) ? new DockerProfile() : ReadProfile(value, file, $"{path}.{name}", keyLine);
        }

        return profiles.ToImmutable();
    }

    private static DockerProfile ReadProfile(YamlNode node, string file, string path, Action<string, int> keyLine)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw ConfigException.At(file, Line(node), path, $"expected a mapping of profile keys ({string.Join(", ", DockerProfile.Keys)}), found {ConfigScalars.Describe(node)}");
        }

        var profile = new DockerProfile();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var keyPath = $"{path}.{key}";
            keyLine(keyPath, Line(keyNode));
            if (!DockerProfile.Keys.Contains(key))
            {
                throw ConfigException.At(file, Line(keyNode), keyPath, $"unknown profile key (use {string.Join(", ", DockerProfile.Keys)})");
            }

            if (ConfigScalars.IsEmpty(value))
            {
                // An empty network is a choice (a network per task, whatever container.network says).
                profile = key == "network" ? profile with { Network = "" } : profile;
                continue;
            }

            var text = value is YamlScalarNode { Value: { } scalar } ? scalar.Trim()
                : throw ConfigException.At(file, Line(value), keyPath, $"expected a single value, found {ConfigScalars.Describe(value)}");
            profile = key switch
            {
                "image" => profile with { Image = text },
                "cpus" => profile with
                {
                    Cpus = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus > 0 ? cpus
                        : throw ConfigException.At(file, Line(value), keyPath, $"'{text}' is not a positive number of CPUs (e.g. 4 or 1.5)"),
                },
                "memory" => profile with
                {
                    Memory = DockerSize.TryParse(text, out var bytes) && bytes > 0 ? text
                        : throw ConfigException.At(file, Line(value), keyPath, $"'{text}' is not a memory size ({DockerSize.Syntax})"),
                },
                "privileged" => profile with
                {
                    Privileged = text.ToUpperInvariant() switch
                    {
                        "TRUE" or "YES" or "ON" => true,
                        "FALSE" or "NO" or "OFF" => false,
                        _ => throw ConfigException.At(file, Line(value), keyPath, $"'{text}' is not a boolean (use true or false)"),
                    },
                },
                "network" => profile with { Network = text },
                _ => profile with { Options = text },
            };
        }

        return profile;
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
