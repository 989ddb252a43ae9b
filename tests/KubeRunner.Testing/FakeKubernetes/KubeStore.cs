using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>One change to a stored object, as a watch reports it.</summary>
internal sealed record KubeChange(long ResourceVersion, string Type, KubeResource Resource, string Namespace, IKubernetesObject<V1ObjectMeta> Object);

/// <summary>
/// The fake's etcd: objects by resource, namespace and name, one resourceVersion counter for all of them
/// (as etcd has), and a bounded history of changes that watches replay from.
/// </summary>
internal sealed class KubeStore(int historyLimit)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(KubeResource Resource, string Namespace, string Name), IKubernetesObject<V1ObjectMeta>> _items = [];
    private readonly LinkedList<KubeChange> _history = new();
    private readonly List<KubeWatch> _watches = [];
    private long _resourceVersion = 1;
    private long _compactedVersion;

    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Stores a new object and reports ADDED; the caller has set its name, uid and timestamps.</summary>
    public T Create<T>(KubeResource resource, T item)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        lock (_lock)
        {
            var key = (resource, item.Metadata.NamespaceProperty, item.Metadata.Name);
            if (_items.ContainsKey(key))
            {
                throw KubeApiException.AlreadyExists(resource, item.Metadata.Name);
            }

            item.Metadata.ResourceVersion = Next();
            _items[key] = Clone(item);
            Record("ADDED", resource, item);
            return Clone(item);
        }
    }

    public T? Get<T>(KubeResource resource, string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_lock)
        {
            return _items.TryGetValue((resource, ns, name), out var item) ? (T)Clone(item) : null;
        }
    }

    public (List<IKubernetesObject<V1ObjectMeta>> Items, long ResourceVersion) List(KubeResource resource, string ns, Func<IKubernetesObject<V1ObjectMeta>, bool> filter)
    {
        lock (_lock)
        {
            var items = _items
                .Where(pair => pair.Key.Resource == resource && pair.Key.Namespace == ns && filter(pair.Value))
                .OrderBy(pair => pair.Key.Name, StringComparer.Ordinal)
                .Select(pair => Clone(pair.Value))
                .ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>Changes a stored object in place and reports MODIFIED; throws NotFound when it is gone.</summary>
    public T Update<T>(KubeResource resource, string ns, string name, Action<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_lock)
        {
            if (!_items.TryGetValue((resource, ns, name), out var stored))
            {
                throw KubeApiException.NotFound(resource, name);
            }

            var item = (T)Clone(stored);
            change(item);
            item.Metadata.ResourceVersion = Next();
            _items[(resource, ns, name)] = Clone(item);
            Record("MODIFIED", resource, item);
            return item;
        }
    }

    /// <summary>
    /// Replaces a stored object (an update, PUT) and reports MODIFIED. Its uid and creation time stay; a
    /// resourceVersion other than the stored one is a conflict, as optimistic concurrency has it.
    /// </summary>
    public IKubernetesObject<V1ObjectMeta> Replace(KubeResource resource, string ns, string name, IKubernetesObject<V1ObjectMeta> replacement)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue((resource, ns, name), out var stored))
            {
                throw KubeApiException.NotFound(resource, name);
            }

            var meta = replacement.Metadata;
            if (meta.Name != name)
            {
                throw KubeApiException.BadRequest($"the name of the object ({meta.Name}) does not match the name on the URL ({name})");
            }

            if (!string.IsNullOrEmpty(meta.ResourceVersion) && meta.ResourceVersion != stored.Metadata.ResourceVersion)
            {
                throw KubeApiException.Conflict(resource, name);
            }

            replacement.ApiVersion = resource.ApiVersion;
            replacement.Kind = resource.Kind;
            meta.NamespaceProperty = ns;
            meta.Uid = stored.Metadata.Uid;
            meta.CreationTimestamp = stored.Metadata.CreationTimestamp;
            meta.ResourceVersion = Next();
            _items[(resource, ns, name)] = Clone(replacement);
            Record("MODIFIED", resource, replacement);
            return Clone(replacement);
        }
    }

    /// <summary>Removes an object and reports DELETED; <paramref name="check"/> may refuse (e.g. a UID precondition) by throwing.</summary>
    public IKubernetesObject<V1ObjectMeta> Delete(KubeResource resource, string ns, string name, Action<IKubernetesObject<V1ObjectMeta>>? check = null)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue((resource, ns, name), out var stored))
            {
                throw KubeApiException.NotFound(resource, name);
            }

            check?.Invoke(stored);
            _items.Remove((resource, ns, name));
            var deleted = Clone(stored);
            deleted.Metadata.ResourceVersion = Next();
            Record("DELETED", resource, deleted);
            return deleted;
        }
    }

    /// <summary>Every object in <paramref name="ns"/> that names <paramref name="ownerUid"/> among its owners.</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Dependents(string ns, string ownerUid)
    {
        lock (_lock)
        {
            return _items
                .Where(pair => pair.Key.Namespace == ns
                    && pair.Value.Metadata.OwnerReferences?.Any(owner => owner.Uid == ownerUid) == true)
                .Select(pair => Clone(pair.Value))
                .ToList();
        }
    }

    /// <summary>
    /// Starts a watch. Without a version (or "0") it begins with ADDED for what exists now; with one it
    /// replays the changes after it, or throws Gone when they have left the history.
    /// </summary>
    public KubeWatch Watch(KubeResource resource, string ns, Func<IKubernetesObject<V1ObjectMeta>, bool> filter, string? fromVersion)
    {
        lock (_lock)
        {
            var watch = new KubeWatch(this, resource, ns, filter);
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                foreach (var pair in _items.Where(p => p.Key.Resource == resource && p.Key.Namespace == ns).OrderBy(p => p.Key.Name, StringComparer.Ordinal))
                {
                    watch.Offer(new KubeChange(long.Parse(pair.Value.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture), "ADDED", resource, ns, Clone(pair.Value)));
                }
            }
            else
            {
                if (!long.TryParse(fromVersion, System.Globalization.CultureInfo.InvariantCulture, out var from))
                {
                    throw KubeApiException.BadRequest($"invalid resource version \"{fromVersion}\"");
                }

                if (from < _compactedVersion)
                {
                    throw KubeApiException.Gone($"too old resource version: {from} ({_compactedVersion})");
                }

                foreach (var change in _history.Where(c => c.ResourceVersion > from))
                {
                    watch.Offer(change);
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    internal void Unsubscribe(KubeWatch watch)
    {
        lock (_lock)
        {
            _watches.Remove(watch);
        }
    }

    private string Next() => (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Record(string type, KubeResource resource, IKubernetesObject<V1ObjectMeta> item)
    {
        var change = new KubeChange(long.Parse(item.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture), type, resource, item.Metadata.NamespaceProperty, Clone(item));
        _history.AddLast(change);
        while (_history.Count > historyLimit)
        {
            // Like etcd compaction: a watch from before the oldest kept change cannot be served.
            _compactedVersion = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watch in _watches)
        {
            watch.Offer(change);
        }
    }

    private static T Clone<T>(T item)
        where T : IKubernetesObject<V1ObjectMeta> => KubeStrictJson.Clone(item);
}

/// <summary>An open watch: the changes it matches, in resourceVersion order, until it is disposed.</summary>
internal sealed class KubeWatch(KubeStore store, KubeResource resource, string ns, Func<IKubernetesObject<V1ObjectMeta>, bool> filter) : IDisposable
{
    private readonly Channel<KubeChange> _changes = Channel.CreateUnbounded<KubeChange>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<KubeChange> Changes => _changes.Reader;

    internal void Offer(KubeChange change)
    {
        if (change.Resource == resource && change.Namespace == ns && filter(change.Object))
        {
            _changes.Writer.TryWrite(change);
        }
    }

    public void Dispose()
    {
        store.Unsubscribe(this);
        _changes.Writer.TryComplete();
    }
}
