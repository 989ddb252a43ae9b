using System.Diagnostics.Metrics;
using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Backends.Docker;
using KubeRunner.Agent.Backends.Kubernetes;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Backends.Host;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Tasks;
using KubeRunner.Agent.Tasks.Adoption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KubeRunner.Agent.Hosting;

/// <summary>The composition root of the daemon: every service of the job path.</summary>
internal static class AgentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agent. Backends are added by their own extensions as <see cref="IJobBackend"/>;
    /// <c>TryAdd</c> lets tests put their own pieces in first.
    /// </summary>
    public static IServiceCollection AddKubeRunnerAgent(this IServiceCollection services, AgentHostSettings settings)
    {
        var runner = settings.Config.Runner;
        services.TryAddSingleton(settings.Time);
        services.AddMetrics();
        services.TryAddSingleton(sp => new AgentMetrics(settings.Meters ?? sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(settings.Readiness ?? new AgentReadiness(settings.Time));
        // Every forge call feeds readiness and kube_runner_forge_up.
        services.TryAddSingleton<IRunnerService>(sp =>
            new ObservedRunnerService(settings.Forge, sp.GetRequiredService<AgentReadiness>(), sp.GetRequiredService<AgentMetrics>()));
        services.TryAddSingleton(settings.Labels);
        services.TryAddSingleton(new ReporterOptions
        {
            ReportInterval = runner.ReportInterval,
            MaxRetries = runner.ReportRetry.MaxRetries,
            InitialRetryDelay = runner.ReportRetry.InitialDelay,
            MaxRetryDelay = runner.ReportRetry.MaxDelay,
        });
        services.TryAddSingleton(new PollerOptions
        {
            Capacity = runner.Capacity,
            FetchInterval = AgentHost.FetchInterval(settings),
            FetchTimeout = runner.FetchTimeout,
            ShutdownTimeout = runner.ShutdownTimeout,
        });
        services.TryAddSingleton(new TaskRunnerOptions { JobTimeout = runner.Timeout });
        services.TryAddSingleton<TaskReporterFactory>();
        services.TryAddSingleton(settings.Config);
        services.TryAddSingleton<ExecutorRegistry>();
        services.TryAddSingleton(new TaskRecordStore(settings.Config.Executor));
        services.TryAddSingleton<TaskAdoption>();
        AddActions(services, settings);
        services.AddSingleton<IJobBackend>(sp => settings.Seed is { } seed
            ? ActivatorUtilities.CreateInstance<HostBackend>(sp, settings.Instance, seed)
            : ActivatorUtilities.CreateInstance<HostBackend>(sp, settings.Instance));
        services.AddSingleton<IJobBackend>(sp => ActivatorUtilities.CreateInstance<DockerBackend>(sp, settings.Instance, settings.Registration.Uuid));
        services.TryAddSingleton(sp => new KubernetesApi(settings.Config.Kubernetes, sp.GetRequiredService<TimeProvider>(), new ApiReachability()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<KubernetesWatches>(sp, settings.Registration.Uuid));
        services.AddSingleton<IJobBackend>(sp => ActivatorUtilities.CreateInstance<KubernetesBackend>(sp, settings.Instance, settings.Registration.Uuid));
        services.AddSingleton<IBackendAdoption, HostAdoption>();
        services.AddSingleton<IBackendAdoption>(sp => ActivatorUtilities.CreateInstance<DockerAdoption>(sp, settings.Registration.Uuid));
        services.AddSingleton<IBackendAdoption>(sp => ActivatorUtilities.CreateInstance<KubernetesAdoption>(sp, settings.Registration.Uuid));
        services.TryAddSingleton(sp => new BackendSelector(sp.GetServices<IJobBackend>(), settings.Labels, settings.OnlyLabel));
        services.TryAddSingleton<TaskRunner>();
        services.TryAddSingleton<ITaskRunner>(sp => sp.GetRequiredService<TaskRunner>());
        services.AddStandby(settings);
        services.TryAddSingleton<TaskPoller>();
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<PeerStatusSource>(sp, settings.Registration.Uuid));
        if (settings.PollForTasks)
        {
            services.AddHostedService(sp => sp.GetRequiredService<TaskPoller>());
        }

        return services;
    }

    /// <summary>The cache of actions for uses: steps, with its own HTTP client that carries no forge credentials.</summary>
    private static void AddActions(IServiceCollection services, AgentHostSettings settings)
    {
        services.TryAddSingleton(settings.Config.Actions);
        services.TryAddKeyedSingleton(ActionsHttp.ServiceKey, (_, _) => ActionsHttp.CreateClient());
        services.TryAddSingleton(_ => GitFetcher.FromPath(ProcessEnvironment.Snapshot().GetValueOrDefault("PATH")));
        services.TryAddSingleton<GitRefResolver>();
        services.TryAddSingleton<ActionDownloader>();
        services.TryAddSingleton<ActionCache>();
        services.TryAddSingleton<ActionStreamer>();
        services.TryAddSingleton<DockerActionService>();
    }
}
