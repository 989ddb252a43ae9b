using System.CommandLine;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Tasks.Adoption;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Registration;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.ForgeApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Cli;

/// <summary><c>kube-runner daemon</c>: declare the runner, then take and run tasks until stopped.</summary>
internal static class DaemonCommand
{
    /// <summary>Set by the Helm chart's Deployment from the pod's own namespace (the downward API).</summary>
    public const string PodNamespaceVariable = "POD_NAMESPACE";

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
            using var http = context.CreateHttpClient(config.Runner.Insecure);
            using var registrationApi = config.Registration.Secret.Length > 0 ? new KubernetesApi(config.Kubernetes, context.Time) : null;
            var store = RegistrationStore(context, config, registrationApi);
            RunnerRegistration registration;
            try
            {
                registration = await LoadRegistrationAsync(context, config, store, http,
                    problem => readiness.SetRegistration(false, problem ?? "registered; declaring the runner to the forge"), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped while waiting to be registered: nothing ran, nothing to report.
                return ExitCodes.Success;
            }

            var instance = ForgeAddress.TryParse(registration.Address, out var problem)
                ?? throw new CliException(ExitCodes.Configuration, $"{store.Describe}: address: {problem}");
            var labels = EffectiveLabels(context, config, registration, store.Describe);

            var forge = new ForgeClient(http, instance, new RunnerCredentials(registration.Uuid, registration.Token), config.ClientTimeout);
            using var host = AgentHost.Build(new AgentHostSettings(config, registration, instance, labels, forge, context.Time, context.ConfigureLogging,
                Readiness: readiness, Meters: status?.Meters, ForgeApi: StandbyForgeApi(config.Standby, http, instance)));
            // A self-registering agent registers again once its registration is gone.
            var registerAgain = config.Registration.Enabled ? $"delete {store.Describe} and restart the agent, which then registers again" : "register again";
            await RunnerDeclaration.DeclareAsync(host.Services, host.Services.GetRequiredService<IRunnerService>(), labels, instance, registerAgain, cancellationToken);
            if (!registration.Labels.SequenceEqual(labels.Labels.Select(l => l.ToString())))
            {
                // As forgejo-runner does: .runner follows the labels of the config file.
                await store.SaveAsync(registration with { Labels = [.. labels.Labels.Select(l => l.ToString())] }, cancellationToken);
            }

            // Before the executor socket opens: executors that outlived the last agent process reattach at once.
            await host.Services.GetRequiredService<TaskAdoption>().AdoptAllAsync(cancellationToken);
            await host.StartAsync(CancellationToken.None);
            status?.ServePeers(host.Services.GetRequiredService<PeerStatusSource>());
            using var drainSignals = DrainSignals.Register(host.Services.GetRequiredService<DrainSwitch>());
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

    /// <summary>A standby's reader of the forge's waiting jobs and runner status, with the token of standby.api_token_file; null without one.</summary>
    private static ForgeActionsApi? StandbyForgeApi(StandbyOptions options, HttpClient http, Uri instance)
    {
        if (!options.IsStandby || options.ApiTokenFile.Length == 0)
        {
            return null;
        }

        var scope = ForgeApiScope.TryParse(options.ApiScope, out var problem) ?? throw new CliException(ExitCodes.Configuration, problem);
        string token;
        try
        {
            token = File.ReadAllText(options.ApiTokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Configuration, $"standby.api_token_file: cannot read {options.ApiTokenFile}: {e.Message}");
        }

        return token.Length > 0 ? new ForgeActionsApi(http, instance, token, scope)
            : throw new CliException(ExitCodes.Configuration, $"standby.api_token_file: {options.ApiTokenFile} is empty; put a forge API token with read scope at {scope} in it");
    }

    /// <summary>Where .runner is kept: registration.secret when set, else the file runner.file.</summary>
    private static IRegistrationStore RegistrationStore(CliContext context, RunnerConfig config, KubernetesApi? api)
    {
        if (api is null)
        {
            return new FileRegistrationStore(ConfigOption.RegistrationPath(context, config));
        }

        var ns = config.Registration.Namespace.Length > 0 ? config.Registration.Namespace
            : context.Environment.GetValueOrDefault(PodNamespaceVariable) is { Length: > 0 } pod ? pod
            : config.Kubernetes.Namespace;
        return new SecretRegistrationStore(api, ns, config.Registration.Secret);
    }

    /// <summary>The registration made by <c>kube-runner register</c>, or, with registration.instance, the one this daemon makes for itself.</summary>
    private static async Task<RunnerRegistration> LoadRegistrationAsync(CliContext context, RunnerConfig config, IRegistrationStore store, HttpClient http,
        Action<string?> reportProblem, CancellationToken cancellationToken)
    {
        if (!config.Registration.Enabled)
        {
            return RegistrationFile.Load(ConfigOption.RegistrationPath(context, config));
        }

        var instance = ForgeAddress.TryParse(config.Registration.Instance, out var problem)
            ?? throw new CliException(ExitCodes.Configuration, $"registration.instance: {problem}");
        var labels = ConfigOption.ParseLabels(config.Runner.Labels.Count > 0 ? config.Runner.Labels : [RegisterCommand.DefaultLabel], ExitCodes.Configuration, "runner.labels");
        using var logging = LoggerFactory.Create(builder =>
        {
            context.ConfigureLogging(builder);
            builder.SetMinimumLevel(AgentHost.LogLevelOf(config.Log.Level));
        });
        var forge = new ForgeClient(http, instance, credentials: null, config.ClientTimeout);
        var registration = new SelfRegistration(config.Registration, store, forge, labels, context.HostName, context.Time, logging.CreateLogger("KubeRunner.Agent.Registration"));
        return await registration.EnsureAsync(reportProblem, cancellationToken);
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
