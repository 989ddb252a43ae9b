using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Hosting;

/// <summary>
/// Builds the daemon's host: logging from <c>log.level</c>, the agent's services, and one Kestrel
/// server for the executors (a Unix socket for local ones, a TCP port for those in containers).
/// </summary>
internal static class AgentHost
{
    /// <summary>Time the final reports of cancelled tasks get on top of <c>shutdown_timeout</c>.</summary>
    internal static readonly TimeSpan FinalReportAllowance = TimeSpan.FromMinutes(15);

    public static IHost Build(AgentHostSettings settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        settings.ConfigureLogging(builder.Logging);
        builder.Logging.SetMinimumLevel(LogLevelOf(settings.Config.Log.Level));
        // Kestrel's per-request chatter would drown the agent's own log.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);
        // It only opens a scope (request path and id) at the levels left, which would crowd every executor
        // line on the console; the line names its task already (TaskLogScope).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = settings.Config.Runner.ShutdownTimeout + FinalReportAllowance);
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        ExecutorEndpoint.Configure(builder, settings.Config.Executor);
        builder.Services.AddKubeRunnerAgent(settings);
        var app = builder.Build();
        app.MapGrpcService<ExecutorGrpcService>();
        OpenActionCache(app.Services, settings.Config);
        var readiness = app.Services.GetRequiredService<AgentReadiness>();
        readiness.ForgeWindow = ForgeWindow(settings);
        readiness.UseBackends(BackendChecks.For(app.Services.GetServices<IJobBackend>(), settings.Labels, settings.Time));
        return app;
    }

    /// <summary>
    /// Opens the action cache now (it tidies its directory and counts what it holds), so that a
    /// cache_dir the agent cannot use stops it at start with one line, not the first job that uses an action.
    /// </summary>
    private static void OpenActionCache(IServiceProvider services, RunnerConfig config)
    {
        try
        {
            services.GetRequiredService<ActionCache>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"actions.cache_dir: the agent cannot use {config.Actions.CacheDir}: {e.Message}");
        }
    }

    /// <summary>forgejo-runner's levels (logrus names) mapped onto Microsoft.Extensions.Logging's.</summary>
    public static LogLevel LogLevelOf(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "panic" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    /// <summary>The fetch interval to use with this instance (codeberg.org asks for at least 30 s).</summary>
    /// <summary>How long the forge may go without an answer before /readyz says so (<see cref="AgentReadiness.ForgeWindowFor"/>).</summary>
    public static TimeSpan ForgeWindow(AgentHostSettings settings)
    {
        var (runner, standby) = (settings.Config.Runner, settings.Config.Standby);
        return AgentReadiness.ForgeWindowFor(FetchInterval(settings), runner.FetchTimeout, runner.ReportInterval,
            standby.IsStandby ? standby.DeclareKeepalive : null);
    }

    public static TimeSpan FetchInterval(AgentHostSettings settings) =>
        ForgeAddress.TuneFetchInterval(settings.Instance, settings.Config.Runner.FetchInterval);
}
