namespace KubeRunner.Agent.Standby.Peers;

/// <summary>
/// What one higher-priority peer's heartbeat has said: its last answer, consecutive misses, restarts.
/// Ages are measured on this agent's monotonic clock from when an answer arrived; the peer's own
/// numbers are on its clock and are only compared with its own thresholds.
/// </summary>
internal sealed class PeerTracker(string address, int lostAfter, TimeProvider time)
{
    private readonly Lock _gate = new();
    private PeerStatus? _last;
    private long _lastAnswerAt;
    private int _misses;
    private string _problem = "";
    private bool _forgeOkWhenLost = true;

    public string Address => address;

    public PeerSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new PeerSnapshot(address, _last, _last is null ? null : time.GetElapsedTime(_lastAnswerAt), _misses,
                _misses >= lostAfter, _problem, _forgeOkWhenLost);
        }
    }

    /// <returns>True when the peer restarted since its last answer (its boot id changed).</returns>
    public bool Answered(PeerStatus status)
    {
        lock (_gate)
        {
            var restarted = _last is not null && _last.BootId != status.BootId;
            _last = status;
            _lastAnswerAt = time.GetTimestamp();
            _misses = 0;
            _problem = "";
            _forgeOkWhenLost = true;
            return restarted;
        }
    }

    /// <returns>True when this miss made the peer lost.</returns>
    public bool Missed(string problem)
    {
        lock (_gate)
        {
            _misses++;
            _problem = problem;
            if (_misses != lostAfter)
            {
                return false;
            }

            // What it said last, before it went silent: a peer that already could not reach the forge is down for CI.
            _forgeOkWhenLost = _last?.ForgeOk ?? true;
            return true;
        }
    }
}

/// <summary>One peer's heartbeat record at one moment.</summary>
/// <param name="SinceAnswer">Time since its last answer on this agent's clock; null if it never answered.</param>
/// <param name="Problem">Why the last read failed; empty after an answer.</param>
/// <param name="ForgeOkWhenLost">What its last answer said of the forge when it became lost.</param>
internal sealed record PeerSnapshot(string Address, PeerStatus? Last, TimeSpan? SinceAnswer, int Misses, bool Lost, string Problem, bool ForgeOkWhenLost);
