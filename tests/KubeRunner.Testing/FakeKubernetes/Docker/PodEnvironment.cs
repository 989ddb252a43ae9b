using System.Text;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// A container's environment as the kubelet computes it when the container starts: <c>envFrom</c>, then
/// <c>env</c> in order (later wins), values with <c>$(NAME)</c> expanded from the ones before, and
/// references resolved from the fake's store at that moment.
/// </summary>
internal static class PodEnvironment
{
    public static Dictionary<string, string> Resolve(KubeStore store, V1Pod pod, V1Container container, string? podIp)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.SecretRef is not { } secretRef)
            {
                throw new PodNotSupportedException($"container {container.Name}: envFrom supports secretRef only");
            }

            var secret = store.Get<V1Secret>(KubeResource.Secrets, ns, secretRef.Name);
            if (secret is null)
            {
                if (secretRef.Optional == true)
                {
                    continue;
                }

                throw new ContainerConfigException($"secret \"{secretRef.Name}\" not found");
            }

            foreach (var (key, value) in SecretData(secret))
            {
                env[(source.Prefix ?? "") + key] = Encoding.UTF8.GetString(value);
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom is null)
            {
                env[variable.Name] = Expand(variable.Value ?? "", env);
            }
            else if (ValueFrom(store, pod, container, variable.ValueFrom, podIp) is { } value)
            {
                env[variable.Name] = value;
            }
        }

        return env;
    }

    /// <summary>A Secret's bytes by key: <c>data</c>, overridden by <c>stringData</c> (which the real API server folds in on write).</summary>
    public static Dictionary<string, byte[]> SecretData(V1Secret secret)
    {
        var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
        {
            data[key] = Encoding.UTF8.GetBytes(value);
        }

        return data;
    }

    /// <summary>
    /// Kubernetes' <c>$(VAR)</c> expansion: a defined variable is replaced, an undefined reference stays as
    /// written, and <c>$$</c> escapes a dollar.
    /// </summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> env)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                result.Append(text[i]);
            }
            else if (text[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (text[i + 1] == '(' && text.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = text[(i + 2)..close];
                result.Append(env.TryGetValue(name, out var value) ? value : text[i..(close + 1)]);
                i = close;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    private static string? ValueFrom(KubeStore store, V1Pod pod, V1Container container, V1EnvVarSource source, string? podIp)
    {
        if (source.SecretKeyRef is { } keyRef)
        {
            var ns = pod.Metadata.NamespaceProperty;
            var secret = store.Get<V1Secret>(KubeResource.Secrets, ns, keyRef.Name);
            if (secret is null)
            {
                return keyRef.Optional == true ? null : throw new ContainerConfigException($"secret \"{keyRef.Name}\" not found");
            }

            if (!SecretData(secret).TryGetValue(keyRef.Key, out var bytes))
            {
                return keyRef.Optional == true ? null : throw new ContainerConfigException($"couldn't find key {keyRef.Key} in Secret {ns}/{keyRef.Name}");
            }

            return Encoding.UTF8.GetString(bytes);
        }

        if (source.FieldRef is { } fieldRef)
        {
            var path = fieldRef.FieldPath;
            return path switch
            {
                "metadata.name" => pod.Metadata.Name,
                "metadata.namespace" => pod.Metadata.NamespaceProperty,
                "metadata.uid" => pod.Metadata.Uid,
                "spec.nodeName" => DockerPodRunner.NodeName,
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
                "status.podIP" => podIp ?? "",
                "status.hostIP" => "127.0.0.1",
                _ when LabelOrAnnotation(path, "metadata.labels['", pod.Metadata.Labels) is { } label => label,
                _ when LabelOrAnnotation(path, "metadata.annotations['", pod.Metadata.Annotations) is { } annotation => annotation,
                _ => throw new PodNotSupportedException($"container {container.Name}: fieldRef {path} is not supported by the Docker pod runner"),
            };
        }

        throw new PodNotSupportedException($"container {container.Name}: only secretKeyRef and fieldRef are supported in valueFrom");
    }

    private static string? LabelOrAnnotation(string path, string prefix, IDictionary<string, string>? values) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal)
            ? values?.TryGetValue(path[prefix.Length..^2], out var value) == true ? value : ""
            : null;
}
