using k8s;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>One namespaced resource type the fake serves: where it lives in the URL space and which models carry it.</summary>
internal sealed record KubeResource(string Group, string Version, string Plural, string Kind, Type ItemType, Type ListType)
{
    public static readonly KubeResource Jobs = new("batch", "v1", "jobs", "Job", typeof(V1Job), typeof(V1JobList));
    public static readonly KubeResource Pods = new("", "v1", "pods", "Pod", typeof(V1Pod), typeof(V1PodList));
    public static readonly KubeResource Secrets = new("", "v1", "secrets", "Secret", typeof(V1Secret), typeof(V1SecretList));

    // CoreV1's ListNamespacedEvent reads core/v1 Events (Corev1Event), not events.k8s.io.
    public static readonly KubeResource Events = new("", "v1", "events", "Event", typeof(Corev1Event), typeof(Corev1EventList));
    public static readonly KubeResource PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", typeof(V1PodDisruptionBudget), typeof(V1PodDisruptionBudgetList));

    public static readonly IReadOnlyList<KubeResource> All = [Jobs, Pods, Secrets, Events, PodDisruptionBudgets];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name Kubernetes uses in messages, e.g. <c>jobs.batch</c> or <c>pods</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static KubeResource? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    public static KubeResource Of(IKubernetesObject<V1ObjectMeta> item) =>
        All.First(r => r.ItemType == item.GetType());

    /// <summary>A list object of this resource with the given items.</summary>
    public object CreateList(IEnumerable<object> items, string resourceVersion)
    {
        var list = Activator.CreateInstance(ListType)!;
        var itemsProperty = ListType.GetProperty("Items")!;
        var typed = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(ItemType))!;
        foreach (var item in items)
        {
            typed.Add(item);
        }

        itemsProperty.SetValue(list, typed);
        ListType.GetProperty("ApiVersion")!.SetValue(list, ApiVersion);
        ListType.GetProperty("Kind")!.SetValue(list, Kind + "List");
        ListType.GetProperty("Metadata")!.SetValue(list, new V1ListMeta { ResourceVersion = resourceVersion });
        return list;
    }
}
