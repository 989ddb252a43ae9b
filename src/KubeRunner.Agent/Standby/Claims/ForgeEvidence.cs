using KubeRunner.Agent.Standby.ForgeApi;

namespace KubeRunner.Agent.Standby.Claims;

/// <summary>What this standby has learnt from the forge's API: which parts the server has, and each runner's status.</summary>
internal sealed class ForgeEvidence
{
    private readonly Lock _gate = new();
    private Dictionary<string, ForgeRunnerState> _statusByUuid = new(StringComparer.Ordinal);

    /// <param name="configured">Whether standby.api_token_file is set.</param>
    public ForgeEvidence(bool configured)
    {
        Jobs = configured ? ApiAvailability.NotYetRead : ApiAvailability.NotConfigured;
        Runners = Jobs;
    }

    public ApiAvailability Jobs { get; private set; }

    public ApiAvailability Runners { get; private set; }

    /// <summary>
    /// Whether waiting jobs are (or will be, once read) seen ageing; when the forge cannot give them, the
    /// heartbeat alone decides. A forge that is down for this agent does not count: then nothing is claimed.
    /// </summary>
    public bool JobsVisible => Jobs is not (ApiAvailability.NotConfigured or ApiAvailability.Unsupported or ApiAvailability.Refused);

    public void JobsRead(ApiAvailability availability)
    {
        lock (_gate)
        {
            Jobs = availability;
        }
    }

    public void RunnersRead(ApiAvailability availability, IReadOnlyList<ForgeRunnerStatus>? runners)
    {
        lock (_gate)
        {
            Runners = availability;
            if (runners is not null)
            {
                _statusByUuid = runners.ToDictionary(r => r.Uuid, r => r.Status, StringComparer.Ordinal);
            }
            else if (availability != ApiAvailability.Unreachable)
            {
                _statusByUuid = new(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The forge's status of a runner; null without the runner API or when the runner is not listed.</summary>
    public ForgeRunnerState? StatusOf(string? uuid)
    {
        lock (_gate)
        {
            return uuid is not null && Runners is ApiAvailability.Available or ApiAvailability.Unreachable
                && _statusByUuid.TryGetValue(uuid, out var status) ? status : null;
        }
    }

    /// <summary>In words, for <c>kube-runner status</c>.</summary>
    public string Describe() => (Jobs, Runners) switch
    {
        (ApiAvailability.NotConfigured, _) => "not used (no standby.api_token_file): the heartbeat alone decides",
        (ApiAvailability.NotYetRead, _) => "not read yet",
        (ApiAvailability.Unsupported, _) => "this forge has no waiting-jobs API (Forgejo < 11): the heartbeat alone decides",
        (ApiAvailability.Refused, _) => "the token was refused: the heartbeat alone decides until it is accepted",
        (_, ApiAvailability.Available) => "waiting jobs and runner status" + (Jobs == ApiAvailability.Unreachable ? " (unreachable now)" : ""),
        (_, ApiAvailability.Unsupported) => "waiting jobs only (no runner-status API: Forgejo < 15)",
        _ => "waiting jobs" + (Jobs == ApiAvailability.Unreachable ? " (unreachable now)" : ""),
    };
}

internal enum ApiAvailability
{
    NotConfigured,
    NotYetRead,
    Available,

    /// <summary>Worked before, fails now: the forge is down or unreachable from here.</summary>
    Unreachable,
    Unsupported,
    Refused,
}
