using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Tasks.Adoption;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeRunner.Agent.Cli;

/// <summary><c>kube-runner daemon</c>: declare the runner, then take and run tasks until stopped.</summary>
internal static class DaemonCommand
{
    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var command = new Command("daemon", "Run the runner: take jobs from the forge and run them until stopped (SIGTERM or Ctrl-C stop it gracefully)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            using var directoryLock = RunnerDirectoryLock.Acquire(config.Executor.Socket);
            // Up before the runner is registered: a daemon that cannot register yet is alive, and /readyz says why it is not ready.
            var readiness = new AgentReadiness(context.Time);
            await using var status = await StatusServer.StartAsync(config, readiness, context.ConfigureLogging, cancellationToken);
            var registrationPath = ConfigOption.RegistrationPath(context, config);
            var registration = RegistrationFile.Load(registrationPath);
            var instance = ForgeAddress.TryParse(registration.Address, out var problem)
                ?? throw new CliException(ExitCodes.Configuration, $"{registrationPath}: address: {problem}");
            var labels = EffectiveLabels(context, config, registration, registrationPath);

            using var http = context.CreateHttpClient(config.Runner.Insecure);
            var forge = new ForgeClient(http, instance, new RunnerCredentials(registration.Uuid, registration.Token), config.ClientTimeout);
            using var host = AgentHost.Build(new AgentHostSettings(config, registration, instance, labels, forge, context.Time, context.ConfigureLogging,
                Readiness: readiness, Meters: status?.Meters));
            await RunnerDeclaration.DeclareAsync(host.Services, host.Services.GetRequiredService<IRunnerService>(), labels, instance, cancellationToken);
            if (!registration.Labels.SequenceEqual(labels.Labels.Select(l => l.ToString())))
            {
                // As forgejo-runner does: .runner follows the labels of the config file.
                RegistrationFile.Save(registrationPath, registration with { Labels = [.. labels.Labels.Select(l => l.ToString())] });
            }

            // Before the executor socket opens: executors that outlived the last agent process reattach at once.
            await host.Services.GetRequiredService<TaskAdoption>().AdoptAllAsync(cancellationToken);
            await host.StartAsync(CancellationToken.None);
            // Runs until a signal, or until the host stops by itself because a loop crashed.
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            await host.StopAsync(CancellationToken.None);
            if (host.Services.GetRequiredService<TaskPoller>().ExecuteTask is { IsFaulted: true } crashed)
            {
                // A bug, not an operator's mistake: surface it whole.
                crashed.GetAwaiter().GetResult();
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>runner.labels of the config file, when set, replace those of .runner (forgejo-runner's rule).</summary>
    private static LabelSet EffectiveLabels(CliContext context, RunnerConfig config, RunnerRegistration registration, string registrationPath)
    {
        var (labels, source) = config.Runner.Labels.Count > 0 ? (config.Runner.Labels, "runner.labels") : (registration.Labels, registrationPath);
        var set = ConfigOption.ParseLabels(labels, ExitCodes.Configuration, source);

        if (set.Names.Count == 0)
        {
            context.Warn("this runner has no labels, so Forgejo will give it no job; set runner.labels or register with --label");
        }

        return set;
    }
}
