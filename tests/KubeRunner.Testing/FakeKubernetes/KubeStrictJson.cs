using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// Reads Kubernetes JSON into KubernetesClient's models and fails on any field the model does not
/// know. A real API server drops unknown fields silently (or warns), so a misspelt field in a
/// manifest would otherwise go unnoticed until the cluster behaves differently.
/// </summary>
public static class KubeStrictJson
{
    private static readonly Lazy<JsonSerializerOptions> ClientOptions = new(CaptureClientOptions);
    private static readonly Lazy<JsonSerializerOptions> Options = new(CreateOptions);

    /// <summary>The client's own (lenient) options, for the fake's copies and responses.</summary>
    internal static JsonSerializerOptions Client => ClientOptions.Value;

    /// <summary>A deep copy, so that stored objects never share state with what callers hold.</summary>
    internal static T Clone<T>(T item)
        where T : notnull =>
        (T)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), Client), item.GetType(), Client)!;

    /// <summary>Reads <paramref name="json"/> as <typeparamref name="T"/>; throws <see cref="KubeStrictJsonException"/> naming the first unknown field.</summary>
    public static T Read<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options.Value)
                ?? throw new KubeStrictJsonException($"expected a {typeof(T).Name} object, got null");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the unmapped property and the model type; the path says where it was.
            throw new KubeStrictJsonException(e.Path is { } path ? $"{e.Message} (at {path})" : e.Message, e);
        }
    }

    /// <summary>Reads <paramref name="json"/> into <paramref name="type"/> strictly.</summary>
    public static object Read(string json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, Options.Value)
                ?? throw new KubeStrictJsonException($"expected a {type.Name} object, got null");
        }
        catch (JsonException e)
        {
            throw new KubeStrictJsonException(e.Path is { } path ? $"{e.Message} (at {path})" : e.Message, e);
        }
    }

    private static JsonSerializerOptions CaptureClientOptions()
    {
        JsonSerializerOptions? clientOptions = null;
        KubernetesJson.AddJsonOptions(options => clientOptions = options);
        return clientOptions ?? throw new InvalidOperationException("KubernetesJson exposed no options");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        // Start from the client's own options so that its converters (quantities, int-or-string,
        // RFC 3339 times) apply exactly as they do when the client itself reads and writes.
        var strict = new JsonSerializerOptions(ClientOptions.Value)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        strict.MakeReadOnly(populateMissingResolver: true);
        return strict;
    }
}

/// <summary>JSON that does not fit the Kubernetes model it was read into.</summary>
public sealed class KubeStrictJsonException : Exception
{
    public KubeStrictJsonException(string message) : base(message)
    {
    }

    public KubeStrictJsonException(string message, Exception inner) : base(message, inner)
    {
    }

    public KubeStrictJsonException()
    {
    }
}
