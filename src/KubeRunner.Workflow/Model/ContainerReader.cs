using YamlDotNet.RepresentationModel;

namespace KubeRunner.Workflow.Model;

/// <summary>Reads <c>container</c> and each entry of <c>services</c>, which share one shape.</summary>
internal static class ContainerReader
{
    // GitHub's keys plus Forgejo's cmd and the network a job's containers join.
    private static readonly HashSet<string> _containerKeys = ["image", "credentials", "env", "ports", "volumes", "options", "cmd", "network"];

    private static readonly HashSet<string> _credentialKeys = ["username", "password"];

    public static ContainerDefinition? Read(YamlReader reader, YamlNode node, string where)
    {
        var line = (int)node.Start.Line;
        if (node is YamlScalarNode scalar)
        {
            // `container: image` is the short form; an empty value means no container.
            return YamlReader.IsNull(scalar) ? null : new ContainerDefinition(scalar.Value, [], null, [], [], null, [], null, line);
        }

        if (reader.Mapping(node, where) is not { } map)
        {
            return null;
        }

        var container = new ContainerDefinition(null, [], null, [], [], null, [], null, line);
        foreach (var (key, value) in reader.Entries(map, _containerKeys, where))
        {
            container = key.Value switch
            {
                "image" => container with { Image = reader.Scalar(value, $"the image of {where}") },
                "env" => container with { Env = reader.StringMap(value, $"env of {where}") },
                "options" => container with { Options = reader.Scalar(value, $"options of {where}") },
                "volumes" => container with { Volumes = reader.StringList(value, $"volumes of {where}") },
                "ports" => container with { Ports = reader.StringList(value, $"ports of {where}") },
                "network" => container with { Network = reader.Scalar(value, $"network of {where}") },
                "cmd" => container with { Cmd = reader.StringList(value, $"cmd of {where}") },
                _ => container with { Credentials = ReadCredentials(reader, value, where) },
            };
        }

        return container;
    }

    public static List<KeyValuePair<string, ContainerDefinition>> ReadServices(YamlReader reader, YamlNode node, string job)
    {
        var services = new List<KeyValuePair<string, ContainerDefinition>>();
        if (reader.Mapping(node, $"services of {job}") is not { } map)
        {
            return services;
        }

        foreach (var (id, value) in reader.Entries(map, allowed: null, $"services of {job}"))
        {
            if (Read(reader, value, $"service '{id.Value}' of {job}") is { } service)
            {
                services.Add(new(id.Value!, service));
            }
        }

        return services;
    }

    private static ContainerCredentials? ReadCredentials(YamlReader reader, YamlNode node, string where)
    {
        if (reader.Mapping(node, $"credentials of {where}") is not { } map)
        {
            return null;
        }

        string? username = null, password = null;
        foreach (var (key, value) in reader.Entries(map, _credentialKeys, $"credentials of {where}"))
        {
            if (key.Value == "username")
            {
                username = reader.Scalar(value, $"credentials.username of {where}");
            }
            else
            {
                password = reader.Scalar(value, $"credentials.password of {where}");
            }
        }

        return new ContainerCredentials(username, password);
    }
}
