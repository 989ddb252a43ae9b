using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Labels;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Registration;

/// <summary>The Register call that <c>kube-runner register</c> and a self-registering daemon both make.</summary>
internal static class RunnerRegistrar
{
    /// <summary>Registers with a registration token and returns what <c>.runner</c> keeps.</summary>
    /// <exception cref="Forge.Connect.ConnectException">The forge refused or could not be reached (<see cref="ForgeErrors.IsTransient"/> tells which).</exception>
    /// <exception cref="InvalidDataException">The forge answered without a runner.</exception>
    public static async Task<RunnerRegistration> RegisterAsync(ForgeClient forge, string address, string name, string token, LabelSet labels,
        CancellationToken cancellationToken)
    {
        var request = new RegisterRequest { Name = name, Token = token.Trim(), Version = AgentVersion.ForForge };
        // Names only: schemes and arguments stay on this machine. agent_labels for servers older than Gitea 1.20.
        request.Labels.AddRange(labels.Names);
#pragma warning disable CS0612 // The deprecated field is what such old servers read.
        request.AgentLabels.AddRange(labels.Names);
#pragma warning restore CS0612
        var response = await forge.RegisterAsync(request, cancellationToken);
        var runner = response.Runner ?? throw new InvalidDataException("the forge answered the registration without a runner");
        return new RunnerRegistration(runner.Id, runner.Uuid, runner.Name, runner.Token, address.Trim(), [.. labels.Labels.Select(l => l.ToString())]);
    }
}
