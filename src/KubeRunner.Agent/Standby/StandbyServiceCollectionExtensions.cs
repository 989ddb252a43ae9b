using System.Diagnostics.Metrics;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.Peers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Standby;

/// <summary>Draining for every agent; for a standby (standby.priority above 0) its peers, the forge's job list, and its gate.</summary>
internal static class StandbyServiceCollectionExtensions
{
    public static IServiceCollection AddStandby(this IServiceCollection services, AgentHostSettings settings)
    {
        var options = settings.Config.Standby;
        services.TryAddSingleton(options);
        services.TryAddSingleton<DrainSwitch>();
        if (!options.IsStandby)
        {
            services.TryAddSingleton<IFetchGate>(sp => new DrainGate(sp.GetRequiredService<DrainSwitch>()));
            return services;
        }

        services.TryAddSingleton(sp => new StandbyMetrics(settings.Meters ?? sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var peers = options.Peers.Select(address => new PeerTracker(address, options.PeerLostAfter, time)).ToList();
            return new StandbyCoordinator(options, peers, new ForgeEvidence(settings.ForgeApi is not null), new WaitingJobBook(time),
                sp.GetRequiredService<DrainSwitch>(), time, sp.GetRequiredService<StandbyMetrics>(), sp.GetRequiredService<ILogger<StandbyCoordinator>>());
        });
        services.TryAddSingleton<IFetchGate>(sp => sp.GetRequiredService<StandbyCoordinator>());
        services.TryAddSingleton<IPeerProbe>(_ => new HttpPeerProbe(PeerStatusEndpoint.ReadSecret(options.FleetSecretFile)
            ?? throw new ConfigException("standby.priority above 0 needs standby.fleet_secret_file: the peers' status is read with it")));
        if (settings.PollForTasks)
        {
            services.AddHostedService<PeerPoller>();
            services.AddHostedService<StandbyKeepAlive>();
            if (settings.ForgeApi is { } api)
            {
                services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ForgeWatcher>(sp, api));
            }
        }

        return services;
    }
}
