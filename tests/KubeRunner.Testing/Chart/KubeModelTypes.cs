using System.Collections.Frozen;
using System.Reflection;
using k8s;
using k8s.Models;

namespace KubeRunner.Testing.Chart;

/// <summary>apiVersion and kind → the KubernetesClient model class, from the models' own <see cref="KubernetesEntityAttribute"/>.</summary>
internal static class KubeModelTypes
{
    private static readonly FrozenDictionary<(string ApiVersion, string Kind), Type> ByKind = typeof(V1Pod).Assembly.GetTypes()
        .Where(type => type.IsClass && !type.IsAbstract && typeof(IKubernetesObject).IsAssignableFrom(type))
        .Select(type => (Type: type, Entity: type.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(entry => entry.Entity is { Kind.Length: > 0 })
        .GroupBy(entry => (ApiVersionOf(entry.Entity!), entry.Entity!.Kind))
        .ToFrozenDictionary(group => group.Key, group => group.First().Type);

    public static Type? Find(string apiVersion, string kind) => ByKind.GetValueOrDefault((apiVersion, kind));

    private static string ApiVersionOf(KubernetesEntityAttribute entity) =>
        string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
}
