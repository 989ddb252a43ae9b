using System.Text.Json;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Decodes <c>.runner</c> JSON with Go's leniency (field names in any case, unknown fields such as
/// WARNING ignored) but insists on what the daemon cannot work without: uuid, token and address.
/// </summary>
internal static class RegistrationJson
{
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">The JSON does not describe a registration; the message says why.</exception>
    public static RunnerRegistration Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"expected a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}");
        }

        var registration = new RunnerRegistration(
            Id: Number(root, "id"),
            Uuid: Text(root, "uuid"),
            Name: Text(root, "name"),
            Token: Text(root, "token"),
            Address: Text(root, "address"),
            Labels: Labels(root));

        foreach (var (name, value) in new[] { ("uuid", registration.Uuid), ("token", registration.Token), ("address", registration.Address) })
        {
            if (value.Length == 0)
            {
                throw new FormatException($"\"{name}\" is missing or empty");
            }
        }

        return registration;
    }

    private static JsonElement? Field(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
            {
                return property.Value;
            }
        }

        return null;
    }

    private static long Number(JsonElement root, string name) => Field(root, name) switch
    {
        null => 0,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        _ => throw new FormatException($"\"{name}\" must be a whole number"),
    };

    private static string Text(JsonElement root, string name) => Field(root, name) switch
    {
        null => "",
        { ValueKind: JsonValueKind.String } value => value.GetString()!,
        _ => throw new FormatException($"\"{name}\" must be a string"),
    };

    private static IReadOnlyList<string> Labels(JsonElement root)
    {
        if (Field(root, "labels") is not { } labels)
        {
            return [];
        }

        if (labels.ValueKind != JsonValueKind.Array || labels.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw new FormatException("\"labels\" must be a list of strings");
        }

        return [.. labels.EnumerateArray().Select(item => item.GetString()!)];
    }
}
