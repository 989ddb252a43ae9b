using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Standby.ForgeApi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Standby.Claims;

/// <summary>
/// Reads the forge's waiting jobs (every <c>forge_jobs_poll</c>, ±20 %) and runner status (every
/// <c>forge_status_poll</c>) with the standby's API token. What the server lacks is found out from
/// its answers and looked for again now and then, since a forge may be upgraded under a running agent.
/// </summary>
internal sealed partial class ForgeWatcher(StandbyCoordinator coordinator, IForgeActionsApi api, StandbyOptions options, LabelSet labels,
    StandbyMetrics metrics, TimeProvider time, ILogger<ForgeWatcher> logger) : BackgroundService
{
    /// <summary>How long an API the server lacks, or refuses this token, is left alone before another try.</summary>
    private static readonly TimeSpan LookAgainAfter = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WatchJobsAsync(stoppingToken), WatchRunnersAsync(stoppingToken));

    private async Task WatchJobsAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        await EveryAsync(async () =>
        {
            var asked = time.GetTimestamp();
            var result = await api.ListWaitingJobsAsync(labels.Names, stoppingToken);
            var before = coordinator.Forge.Jobs;
            switch (result.Outcome)
            {
                case ForgeApiOutcome.Ok:
                    coordinator.Jobs.Update(result.Value!, asked);
                    coordinator.Forge.JobsRead(ApiAvailability.Available);
                    failing = false;
                    break;
                case ForgeApiOutcome.Failed:
                    // Ages seen before an outage cannot be trusted after it: start again from nothing.
                    coordinator.Jobs.Clear();
                    metrics.ForgePollFailed("jobs");
                    coordinator.Forge.JobsRead(AfterFailure(before));
                    if (!failing)
                    {
                        Log.Failed(logger, "waiting jobs", result.Problem ?? "");
                    }

                    failing = true;
                    break;
                default:
                    coordinator.Jobs.Clear();
                    var availability = Absent(result.Outcome);
                    coordinator.Forge.JobsRead(availability);
                    if (before != availability)
                    {
                        Log.Unavailable(logger, "waiting jobs", result.Problem ?? "", LookAgainAfter.TotalMinutes);
                    }

                    coordinator.Evaluate();
                    return LookAgainAfter;
            }

            coordinator.Evaluate();
            return Jittered(options.ForgeJobsPoll);
        }, stoppingToken);
    }

    private async Task WatchRunnersAsync(CancellationToken stoppingToken)
    {
        await EveryAsync(async () =>
        {
            var result = await api.ListRunnersAsync(stoppingToken);
            var before = coordinator.Forge.Runners;
            var next = options.ForgeStatusPoll;
            switch (result.Outcome)
            {
                case ForgeApiOutcome.Ok:
                    coordinator.Forge.RunnersRead(ApiAvailability.Available, result.Value);
                    break;
                case ForgeApiOutcome.Failed:
                    metrics.ForgePollFailed("runners");
                    coordinator.Forge.RunnersRead(AfterFailure(before), null);
                    break;
                default:
                    var availability = Absent(result.Outcome);
                    coordinator.Forge.RunnersRead(availability, null);
                    if (before != availability)
                    {
                        Log.Unavailable(logger, "runner status", result.Problem ?? "", LookAgainAfter.TotalMinutes);
                    }

                    next = LookAgainAfter;
                    break;
            }

            coordinator.Evaluate();
            return next;
        }, stoppingToken);
    }

    /// <summary>Runs <paramref name="once"/> until stopped, waiting what it returns between two runs.</summary>
    private async Task EveryAsync(Func<Task<TimeSpan>> once, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(await once(), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A read failed: an API that worked is unreachable now; one never read stays as it was (its presence unknown).</summary>
    private static ApiAvailability AfterFailure(ApiAvailability before) =>
        before is ApiAvailability.Available or ApiAvailability.Unreachable ? ApiAvailability.Unreachable : before;

    /// <summary>An answer that will not change by asking again soon: the server lacks the API, or refuses the token.</summary>
    private static ApiAvailability Absent(ForgeApiOutcome outcome) =>
        outcome == ForgeApiOutcome.Unsupported ? ApiAvailability.Unsupported : ApiAvailability.Refused;

    /// <summary>±20 %, so that standbys of several fleets do not poll the forge in step.</summary>
    private static TimeSpan Jittered(TimeSpan interval) => interval * (0.8 + (0.4 * Random.Shared.NextDouble()));

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.StandbyForgeApi, LogLevel.Warning, "The forge's {Api} API cannot be used: {Problem}. The heartbeat decides without it; looking again in {Minutes} minutes")]
        public static partial void Unavailable(ILogger logger, string api, string problem, double minutes);

        [LoggerMessage(Diagnostics.EventIds.StandbyForgeApiFailed, LogLevel.Warning, "Reading the forge's {Api} failed: {Problem}; no job is claimed until it is read again")]
        public static partial void Failed(ILogger logger, string api, string problem);
    }
}
