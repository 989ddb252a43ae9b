using System.Diagnostics.Metrics;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Standby.ForgeApi;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Hosting;

/// <summary>What the daemon's host is built from.</summary>
/// <param name="PollForTasks">False for <c>kube-runner exec</c>: tasks are handed to the TaskRunner directly, none is fetched.</param>
/// <param name="OnlyLabel">When set (<c>kube-runner exec</c>), every job runs with this label whatever its runs-on names.</param>
/// <param name="Readiness">The daemon's readiness, made before the host so that it answers before registration; else the host makes its own.</param>
/// <param name="Meters">The factory of the agent's meter, whose exporter serves <c>/metrics</c>; else the host's own (nothing exports it).</param>
/// <param name="ForgeApi">A standby's reader of the forge's waiting jobs and runner status (standby.api_token_file); null: the heartbeat alone.</param>
internal sealed record AgentHostSettings(
    RunnerConfig Config,
    RunnerRegistration Registration,
    Uri Instance,
    LabelSet Labels,
    IRunnerService Forge,
    TimeProvider Time,
    Action<ILoggingBuilder> ConfigureLogging,
    bool PollForTasks = true,
    Label? OnlyLabel = null,
    WorkspaceSeed? Seed = null,
    AgentReadiness? Readiness = null,
    IMeterFactory? Meters = null,
    IForgeActionsApi? ForgeApi = null);
