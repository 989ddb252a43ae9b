using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Reporting;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// Declare at daemon start: tells the forge this runner's version and label names. An older server
/// without Declare is fine; a forge that is down is waited for (readiness says so); a refusal stops the daemon.
/// </summary>
internal static partial class RunnerDeclaration
{
    /// <param name="registerAgain">What to do when the forge does not know the runner, e.g. "register again".</param>
    public static async Task DeclareAsync(IServiceProvider services, IRunnerService forge, LabelSet labels, Uri instance, string registerAgain,
        CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RunnerDeclaration));
        var time = services.GetRequiredService<TimeProvider>();
        var readiness = services.GetRequiredService<AgentReadiness>();
        var request = new DeclareRequest { Version = AgentVersion.ForForge };
        request.Labels.AddRange(labels.Names);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await forge.DeclareAsync(request, cancellationToken);
                Log.Declared(logger, response.Runner?.Name ?? "?", instance, string.Join(", ", labels.Names));
                readiness.SetRegistration(true, "");
                return;
            }
            catch (ConnectException e) when (e.Code == ConnectCode.Unimplemented)
            {
                Log.DeclareUnsupported(logger, instance);
                readiness.SetRegistration(true, "");
                return;
            }
            catch (ConnectException e) when (ForgeErrors.IsTransient(e))
            {
                var delay = RetryBackoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                Log.DeclareRetry(logger, instance, e.Message, delay);
                readiness.SetRegistration(false, $"declaring the runner to {instance} failed, retrying: {e.Message}");
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (ConnectException e) when (e.Code == ConnectCode.Unauthenticated)
            {
                throw new CliException(ExitCodes.ForgeRejected,
                    $"{instance} does not know this runner ({e.Message}): it was deleted on the forge, or .runner belongs to another instance; {registerAgain}", e);
            }
            catch (ConnectException e)
            {
                throw new CliException(ExitCodes.ForgeRejected, $"{instance} refused to declare this runner: {e.Message}", e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.Declared, LogLevel.Information, "Runner '{Name}' declared to {Instance} with labels {Labels}")]
        public static partial void Declared(ILogger logger, string name, Uri instance, string labels);

        [LoggerMessage(EventIds.DeclareUnsupported, LogLevel.Warning, "{Instance} is older than Forgejo 1.20 and has no Declare; the labels registered earlier stay in effect")]
        public static partial void DeclareUnsupported(ILogger logger, Uri instance);

        [LoggerMessage(EventIds.DeclareRetry, LogLevel.Warning, "Cannot declare the runner to {Instance} yet ({Reason}); retrying in {Delay}")]
        public static partial void DeclareRetry(ILogger logger, Uri instance, string reason, TimeSpan delay);
    }
}
