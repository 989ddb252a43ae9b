using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Hosting;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// <c>kube-runner create-runner-file</c>: offline registration with a secret shared with the forge
/// through <c>forgejo-cli actions register --secret</c>; the uuid is derived from the secret as Forgejo does.
/// </summary>
internal static class CreateRunnerFileCommand
{
    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var instance = new Option<string>("--instance") { Description = "URL of the Forgejo instance", HelpName = "url", Required = true };
        var secret = new Option<string>("--secret") { Description = "The 40-hex-digit secret given to 'forgejo-cli actions register --secret'", HelpName = "hex", Required = true };
        var name = new Option<string?>("--name") { Description = "Runner name (default: this machine's host name)", HelpName = "name" };
        var connect = new Option<bool>("--connect") { Description = "Also check that the forge accepts the secret (Forgejo 1.21 or later)" };
        var wait = new DurationOption("--wait", InstanceProbe.DefaultWait, "How long to wait for the instance to answer before giving up");
        var command = new Command("create-runner-file", "Write the .runner file from a secret pre-registered on the forge, without a registration token")
        {
            instance, secret, name, connect, wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            var address = parse.GetValue(instance)!;
            var uri = ForgeAddress.TryParse(address, out var addressProblem) ?? throw new CliException(ExitCodes.Usage, $"--instance: {addressProblem}");
            var secretValue = parse.GetValue(secret)!;
            if (RunnerSecret.Validate(secretValue) is { } secretProblem)
            {
                throw new CliException(ExitCodes.Usage, $"--secret: {secretProblem}");
            }

            var runnerName = parse.GetValue(name) is { Length: > 0 } given ? given : context.HostName;
            var uuid = RunnerSecret.DeriveUuid(secretValue);
            using var http = context.CreateHttpClient(config.Runner.Insecure);
            await InstanceProbe.WaitAsync(new ForgeClient(http, uri, null, config.ClientTimeout), uri, uuid, wait.ValueOrDefault(parse), context, cancellationToken);

            var path = ConfigOption.RegistrationPath(context, config);
            RegistrationFile.Save(path, new RunnerRegistration(0, uuid, runnerName, secretValue, address, config.Runner.Labels));
            context.Out.WriteLine($"Wrote {path} for runner '{runnerName}' (uuid {uuid}).");
            if (parse.GetValue(connect))
            {
                await CheckAsync(context, new ForgeClient(http, uri, new RunnerCredentials(uuid, secretValue), config.ClientTimeout), config, cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Declares the runner with the derived credentials, which only succeeds if the forge knows the secret.</summary>
    private static async Task CheckAsync(CliContext context, ForgeClient forge, RunnerConfig config, CancellationToken cancellationToken)
    {
        var request = new DeclareRequest { Version = AgentVersion.ForForge };
        request.Labels.AddRange(ConfigOption.ParseLabels(config.Runner.Labels, ExitCodes.Configuration, "runner.labels").Names);
        try
        {
            var response = await forge.DeclareAsync(request, cancellationToken);
            context.Out.WriteLine($"The forge accepts the secret: runner '{response.Runner?.Name}', labels {string.Join(", ", response.Runner?.Labels ?? [])}.");
        }
        catch (ConnectException e) when (e.Code == ConnectCode.Unimplemented)
        {
            context.Warn("cannot check the secret: the forge is older than Forgejo 1.21");
        }
        catch (ConnectException e)
        {
            throw new CliException(ExitCodes.ForgeRejected, $"the forge does not accept the secret: {e.Message} (run 'forgejo-cli actions register --secret ...' on the forge first)", e);
        }
    }
}
