using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// PATCH with a JSON merge patch (RFC 7386) of an object's metadata: labels, annotations and owner
/// references, which is what a backend changes after creating an object. Other parts of a patch are
/// refused, so that a backend relying on more of PATCH fails its tests instead of passing them wrongly.
/// </summary>
internal static class MetadataPatch
{
    public const string MergePatch = "application/merge-patch+json";

    public static IKubernetesObject<V1ObjectMeta> Apply(FakeKubeApiServer server, KubeRoute route, string? contentType, string body)
    {
        if (contentType?.Split(';')[0].Trim() != MergePatch)
        {
            throw new KubeApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                $"the fake API server only takes {MergePatch} patches, not {contentType}");
        }

        if (JsonNode.Parse(body) is not JsonObject patch || patch.Any(p => p.Key != "metadata") || patch["metadata"] is not JsonObject metadata)
        {
            throw KubeApiException.BadRequest("the fake API server patches metadata only: {\"metadata\": {...}}");
        }

        if (metadata.Any(p => p.Key is not ("labels" or "annotations" or "ownerReferences")))
        {
            throw KubeApiException.BadRequest($"the fake API server patches metadata.labels, .annotations and .ownerReferences only, not {string.Join(", ", metadata.Select(p => p.Key))}");
        }

        return server.Store.Update<IKubernetesObject<V1ObjectMeta>>(route.Resource, route.Namespace, route.Name!, item =>
        {
            var meta = item.Metadata;
            if (metadata["labels"] is { } labels)
            {
                meta.Labels = Merge(meta.Labels, labels);
            }

            if (metadata["annotations"] is { } annotations)
            {
                meta.Annotations = Merge(meta.Annotations, annotations);
            }

            if (metadata.ContainsKey("ownerReferences"))
            {
                // Lists are replaced whole by a merge patch.
                meta.OwnerReferences = metadata["ownerReferences"] is { } owners
                    ? KubeStrictJson.Read<List<V1OwnerReference>>(owners.ToJsonString())
                    : null;
            }
        });
    }

    private static Dictionary<string, string>? Merge(IDictionary<string, string>? current, JsonNode patch)
    {
        if (patch is not JsonObject entries)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(current ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value.GetValue<string>();
            }
        }

        return merged;
    }
}
