using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Labels;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Hosting;

/// <summary>What the daemon's host is built from.</summary>
internal sealed record AgentHostSettings(
    RunnerConfig Config,
    RunnerRegistration Registration,
    Uri Instance,
    LabelSet Labels,
    IRunnerService Forge,
    TimeProvider Time,
    Action<ILoggingBuilder> ConfigureLogging);
