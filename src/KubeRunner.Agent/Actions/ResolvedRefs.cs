namespace KubeRunner.Agent.Actions;

/// <summary>
/// A short memory of which commit a (repository, ref) named, so that jobs starting close together
/// do not each ask the server again. Full SHAs never come here: they need no resolving.
/// </summary>
internal sealed class ResolvedRefs(TimeSpan ttl, TimeProvider time)
{
    // Bounds the memory of a runner that sees many distinct refs; expired entries go first.
    private const int PruneAbove = 1024;

    private readonly Dictionary<(string Url, string Reference), (string Sha, DateTimeOffset Expires)> _known = [];
    private readonly Lock _lock = new();

    public bool TryGet(string url, string reference, out string sha)
    {
        lock (_lock)
        {
            if (_known.TryGetValue((url, reference), out var known) && time.GetUtcNow() < known.Expires)
            {
                sha = known.Sha;
                return true;
            }
        }

        sha = "";
        return false;
    }

    public void Remember(string url, string reference, string sha)
    {
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_known.Count >= PruneAbove)
            {
                foreach (var key in _known.Where(pair => pair.Value.Expires <= now).Select(pair => pair.Key).ToList())
                {
                    _known.Remove(key);
                }
            }

            _known[(url, reference)] = (sha, now + ttl);
        }
    }
}
