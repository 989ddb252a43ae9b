using KubeRunner.Agent.Backends.Kubernetes.Api;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Labels;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Registration;

/// <summary>
/// A daemon that registers itself (<c>registration.instance</c>): it takes the registration kept in its
/// store, or registers with the token of <c>registration.token_file</c> and keeps the result there. It
/// never gives up and never exits: a token the forge refuses, a forge or an API server that cannot be
/// reached, are each logged in one line that says what to do, reported as the reason the agent is not
/// ready, and tried again with a growing pause, so that a pod waits for its operator instead of
/// crash-looping without an explanation.
/// </summary>
internal sealed partial class SelfRegistration(
    RegistrationOptions options,
    IRegistrationStore store,
    ForgeClient forge,
    LabelSet labels,
    string defaultName,
    TimeProvider time,
    ILogger logger)
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(2);

    /// <param name="reportProblem">Told why the agent cannot be registered yet after each failed attempt, and null once it is.</param>
    public async Task<RunnerRegistration> EnsureAsync(Action<string?> reportProblem, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            string problem;
            try
            {
                var registration = await LoadOrRegisterAsync(cancellationToken);
                reportProblem(null);
                return registration;
            }
            catch (ConnectException e) when (ForgeErrors.IsTransient(e))
            {
                problem = $"cannot reach {options.Instance} to register: {e.Message}";
            }
            catch (ConnectException e)
            {
                problem = $"{options.Instance} refused the registration token in {options.TokenFile}: {e.Message}. Put a valid token there "
                    + "(create one on the forge: site administration, or an organisation's or repository's settings, Actions → Runners → Create new runner)";
            }
            catch (Exception e) when (e is InvalidDataException or RegistrationFileException or KubernetesApiException)
            {
                problem = e.Message;
            }

            LogFailed(logger, problem, pause);
            reportProblem(problem);
            await Task.Delay(pause, time, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    private async Task<RunnerRegistration> LoadOrRegisterAsync(CancellationToken cancellationToken)
    {
        if (await store.LoadAsync(cancellationToken) is { } kept)
        {
            LogLoaded(logger, kept.Name, kept.Uuid, store.Describe);
            if (!SameInstance(kept.Address, options.Instance))
            {
                LogAddressDiffers(logger, store.Describe, kept.Address, options.Instance);
            }

            return kept;
        }

        var name = options.Name.Length > 0 ? options.Name : defaultName;
        var registration = await RunnerRegistrar.RegisterAsync(forge, options.Instance, name, ReadToken(), labels, cancellationToken);
        var stored = await store.AddAsync(registration, cancellationToken);
        if (stored.Uuid != registration.Uuid)
        {
            LogTakenFromAnother(logger, stored.Uuid, store.Describe, registration.Name, registration.Uuid);
        }
        else
        {
            LogRegistered(logger, registration.Name, registration.Id, options.Instance, labels.Names, store.Describe);
        }

        return stored;
    }

    private string ReadToken()
    {
        string token;
        try
        {
            token = File.ReadAllText(options.TokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"registration.token_file: cannot read {options.TokenFile} ({e.Message}); mount the registration token there", e);
        }

        return token.Length > 0 ? token : throw new InvalidDataException($"registration.token_file: {options.TokenFile} is empty; put the registration token in it");
    }

    private static bool SameInstance(string a, string b) =>
        string.Equals(a.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = Diagnostics.EventIds.RegistrationLoaded, Level = LogLevel.Information,
        Message = "Runner `{Name}` ({Uuid}) is registered already; its registration is kept in {Store}.")]
    private static partial void LogLoaded(ILogger logger, string name, string uuid, string store);

    [LoggerMessage(EventId = Diagnostics.EventIds.Registered, Level = LogLevel.Information,
        Message = "Registered runner `{Name}` (id {Id}) with {Instance} with labels {Labels}; its registration is kept in {Store}.")]
    private static partial void LogRegistered(ILogger logger, string name, long id, string instance, IReadOnlyCollection<string> labels, string store);

    [LoggerMessage(EventId = Diagnostics.EventIds.RegistrationFailed, Level = LogLevel.Error,
        Message = "Not registered: {Problem}. The agent stays not ready and tries again in {Pause}.")]
    private static partial void LogFailed(ILogger logger, string problem, TimeSpan pause);

    [LoggerMessage(EventId = Diagnostics.EventIds.RegistrationTakenFromAnother, Level = LogLevel.Warning,
        Message = "Another agent kept its registration ({Uuid}) in {Store} first; this agent takes it. The runner `{Name}` ({Orphan}) it registered meanwhile is unused: delete it on the forge.")]
    private static partial void LogTakenFromAnother(ILogger logger, string uuid, string store, string name, string orphan);

    [LoggerMessage(EventId = Diagnostics.EventIds.RegistrationAddressDiffers, Level = LogLevel.Warning,
        Message = "The registration in {Store} is for {Kept}, not registration.instance {Configured}; it is used as it is. Delete it to register with {Configured}.")]
    private static partial void LogAddressDiffers(ILogger logger, string store, string kept, string configured);
}
