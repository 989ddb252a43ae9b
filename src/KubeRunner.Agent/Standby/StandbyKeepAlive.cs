using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Standby;

/// <summary>
/// A standby that holds back makes no FetchTask, and Forgejo calls a runner offline a minute after its
/// last call (and may delete long-offline runners). Declare keeps it online without taking a job
/// (reference/standby.md §2.4): every <c>declare_keepalive</c> in which no fetch was answered.
/// </summary>
internal sealed partial class StandbyKeepAlive(IRunnerService forge, TaskPoller poller, LabelSet labels, StandbyOptions options,
    TimeProvider time, ILogger<StandbyKeepAlive> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var request = new DeclareRequest { Version = AgentVersion.ForForge };
        request.Labels.AddRange(labels.Names);
        var failing = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.DeclareKeepalive, time, stoppingToken);
                if (poller.LastFetchAnswered is { } answered && time.GetElapsedTime(answered) < options.DeclareKeepalive)
                {
                    continue;
                }

                try
                {
                    await forge.DeclareAsync(request, stoppingToken);
                    failing = false;
                }
                catch (Exception e) when (e is ConnectException or HttpRequestException or IOException && !stoppingToken.IsCancellationRequested)
                {
                    if (!failing)
                    {
                        Log.Failed(logger, e.Message);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.StandbyKeepaliveFailed, LogLevel.Warning, "Declaring the runner to keep it online failed: {Reason}; trying again every standby.declare_keepalive")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
