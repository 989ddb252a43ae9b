using KubeRunner.Agent.Standby.ForgeApi;

namespace KubeRunner.Agent.Standby.Claims;

/// <summary>
/// The jobs waiting on the forge that this runner could take, each with the time this agent first saw it
/// waiting. The forge's list has no timestamps, so a job's age is measured here, from first sight: it
/// can only be younger than the truth, which errs on the side of holding back. Forgets everything when
/// the forge cannot be read, so that after an outage the primary gets its head start again (§4.9 case 8).
/// </summary>
internal sealed class WaitingJobBook(TimeProvider time)
{
    /// <summary>Claims tried on a job that the forge did not hand out, before giving up on it while it waits.</summary>
    public const int MaxTries = 5;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How long the oldest waiting job has been seen; null when none waits.</summary>
    public TimeSpan? OldestAge
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count == 0 ? null : time.GetElapsedTime(_entries.Values.Min(e => e.FirstSeen));
            }
        }
    }

    /// <summary>Takes a fresh list: new jobs start their age now; jobs no longer waiting are forgotten.</summary>
    /// <param name="askedAt">When the list was asked for (TimeProvider.GetTimestamp); by default now.</param>
    public void Update(IReadOnlyList<WaitingJob> waiting, long? askedAt = null)
    {
        var now = time.GetTimestamp();
        var asked = askedAt ?? now;
        lock (_gate)
        {
            var keys = waiting.Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _entries.Keys.Where(k => !keys.Contains(k)).ToList())
            {
                _entries.Remove(gone);
            }

            foreach (var job in waiting)
            {
                if (_entries.TryGetValue(job.Key, out var entry))
                {
                    // Still waiting in a list asked for after a claim brought a task: that task was another job. A list
                    // asked for before (or while the claim was on its way) may predate the forge's assignment.
                    if (entry.Taken && entry.HandedOutAt is { } handedOut && asked > handedOut)
                    {
                        entry.Taken = false;
                        entry.HandedOutAt = null;
                    }
                }
                else
                {
                    _entries[job.Key] = new Entry(job, now);
                }
            }
        }
    }

    /// <summary>The forge could not be read: no age can be trusted any more.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>
    /// The oldest job seen waiting at least <paramref name="grace"/>, not claimed since the last list and
    /// not backing off; marks it taken so that one list never leads to two claims for one job.
    /// </summary>
    public ClaimTarget? Take(TimeSpan grace)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            var entry = _entries.Values
                .Where(e => !e.Taken && e.Tries < MaxTries && e.RetryAt <= now && time.GetElapsedTime(e.FirstSeen, now) >= grace)
                .OrderBy(e => e.FirstSeen)
                .ThenBy(e => e.Job.Id)
                .FirstOrDefault();
            if (entry is null)
            {
                return null;
            }

            entry.Taken = true;
            return new ClaimTarget(entry.Job, time.GetElapsedTime(entry.FirstSeen, now));
        }
    }

    /// <summary>The claim for <paramref name="target"/> brought a task: only a list asked for from now on can tell whether it was this job.</summary>
    public void HandedOut(ClaimTarget target)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_entries.TryGetValue(target.Job.Key, out var entry) && entry.Taken)
            {
                entry.HandedOutAt = now;
            }
        }
    }

    /// <summary>The claim for <paramref name="target"/> got no answer: it may be claimed again at once.</summary>
    public void Release(ClaimTarget target)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(target.Job.Key, out var entry) && entry.HandedOutAt is null)
            {
                entry.Taken = false;
            }
        }
    }

    /// <summary>
    /// The claim for <paramref name="target"/> brought no task: another runner took it, or the forge does
    /// not offer it (a concurrency group holds it). It is tried again later, each time waiting twice as long.
    /// </summary>
    public void NotHandedOut(ClaimTarget target)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(target.Job.Key, out var entry))
            {
                entry.Taken = false;
                entry.HandedOutAt = null;
                entry.Tries++;
                var wait = FirstRetry * Math.Pow(2, entry.Tries - 1);
                entry.RetryAt = time.GetTimestamp() + (long)(Math.Min(wait.TotalSeconds, LastRetry.TotalSeconds) * time.TimestampFrequency);
            }
        }
    }

    /// <summary>How long until some job becomes claimable with <paramref name="grace"/>; null when none will without a new list.</summary>
    public TimeSpan? NextDue(TimeSpan grace)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            TimeSpan? next = null;
            foreach (var entry in _entries.Values.Where(e => !e.Taken && e.Tries < MaxTries))
            {
                var byAge = grace - time.GetElapsedTime(entry.FirstSeen, now);
                var byRetry = TimeSpan.FromSeconds((double)(entry.RetryAt - now) / time.TimestampFrequency);
                var due = byAge > byRetry ? byAge : byRetry;
                due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
                next = next is null || due < next ? due : next;
            }

            return next;
        }
    }

    private sealed class Entry(WaitingJob job, long firstSeen)
    {
        public WaitingJob Job => job;

        public long FirstSeen => firstSeen;

        public bool Taken { get; set; }

        /// <summary>When the claim that took it brought a task; null while that claim is on its way.</summary>
        public long? HandedOutAt { get; set; }

        public int Tries { get; set; }

        public long RetryAt { get; set; }
    }
}

/// <summary>A job a standby is about to claim, and how long it has been seen waiting.</summary>
internal sealed record ClaimTarget(WaitingJob Job, TimeSpan Age);
