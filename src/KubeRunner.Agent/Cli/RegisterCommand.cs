using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Registration;

namespace KubeRunner.Agent.Cli;

/// <summary><c>kube-runner register</c>: forgejo-runner's flags and questions, then Register and <c>.runner</c>.</summary>
internal static class RegisterCommand
{
    /// <summary>forgejo-runner's default when no label is given anywhere.</summary>
    public const string DefaultLabel = "docker:docker://data.forgejo.org/oci/node:20-bullseye";

    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var noInteractive = new Option<bool>("--no-interactive") { Description = "Do not ask questions; --instance and --token are then required" };
        var instance = new Option<string?>("--instance") { Description = "URL of the Forgejo instance, e.g. https://forge.example", HelpName = "url" };
        var token = new Option<string?>("--token") { Description = "Registration token, from the forge's Actions → Runners page (site, organisation or repository)", HelpName = "token" };
        var name = new Option<string?>("--name") { Description = "Runner name shown in Forgejo (default: this machine's host name)", HelpName = "name" };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated labels, e.g. heavy,ubuntu-latest:docker://node:22-bookworm", HelpName = "labels" };
        var label = new Option<string[]>("--label") { Description = "One label; repeat for more (adds to --labels)", HelpName = "label" };
        var wait = new DurationOption("--wait", InstanceProbe.DefaultWait, "How long to wait for the instance to answer before giving up");
        var command = new Command("register", "Register this runner with a Forgejo instance and write the .runner file (runner.file)")
        {
            noInteractive, instance, token, name, labels, label, wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            var cliLabels = LabelList.SplitCommaSeparated(parse.GetValue(labels) ?? string.Empty).Concat(parse.GetValue(label) ?? []).ToList();
            var answers = new RegisterAnswers(parse.GetValue(instance), parse.GetValue(token), parse.GetValue(name), cliLabels);
            var registrationPath = ConfigOption.RegistrationPath(context, config);
            if (!parse.GetValue(noInteractive))
            {
                answers = RegisterQuestions.Ask(context, answers, config, registrationPath);
                if (answers is null)
                {
                    return ExitCodes.Success;
                }
            }

            await RegisterAsync(context, config, answers, registrationPath, wait.ValueOrDefault(parse), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task RegisterAsync(CliContext context, RunnerConfig config, RegisterAnswers answers, string registrationPath, TimeSpan wait, CancellationToken cancellationToken)
    {
        var instance = ForgeAddress.TryParse(answers.Instance, out var addressProblem)
            ?? throw new CliException(ExitCodes.Usage, $"--instance: {addressProblem}");
        if (string.IsNullOrWhiteSpace(answers.Token))
        {
            throw new CliException(ExitCodes.Usage, "--token is required: copy the registration token from the forge's Actions → Runners page");
        }

        var labels = ChooseLabels(context, config, answers.Labels);
        var name = string.IsNullOrWhiteSpace(answers.Name) ? context.HostName : answers.Name.Trim();

        using var http = context.CreateHttpClient(config.Runner.Insecure);
        var forge = new ForgeClient(http, instance, credentials: null, config.ClientTimeout);
        await InstanceProbe.WaitAsync(forge, instance, name, wait, context, cancellationToken);

        RunnerRegistration registration;
        try
        {
            registration = await RunnerRegistrar.RegisterAsync(forge, answers.Instance!, name, answers.Token, labels, cancellationToken);
        }
        catch (ConnectException e) when (ForgeErrors.IsTransient(e))
        {
            throw new CliException(ExitCodes.ForgeUnreachable, $"registration failed: {e.Message}; try again", e);
        }
        catch (ConnectException e)
        {
            throw new CliException(ExitCodes.ForgeRejected,
                $"the forge refused the registration: {e.Message} (create a new registration token on the forge's Actions → Runners page)", e);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.ForgeRejected, e.Message, e);
        }

        RegistrationFile.Save(registrationPath, registration);
        context.Out.WriteLine($"Runner '{registration.Name}' (id {registration.Id}) registered with {instance} with labels {string.Join(", ", labels.Names)}.");
        context.Out.WriteLine($"Credentials saved in {registrationPath}. Start it with: kube-runner daemon{(config.SourcePath is null ? string.Empty : $" --config {config.SourcePath}")}");
    }

    /// <summary>forgejo-runner's precedence: labels in the config file win over the command line; none at all → the default.</summary>
    private static LabelSet ChooseLabels(CliContext context, RunnerConfig config, IReadOnlyList<string> cliLabels)
    {
        if (config.Runner.Labels.Count > 0)
        {
            if (cliLabels.Count > 0)
            {
                context.Warn("the labels of the command line are ignored: the config file sets runner.labels");
            }

            return ConfigOption.ParseLabels(config.Runner.Labels, ExitCodes.Configuration, "runner.labels");
        }

        return ConfigOption.ParseLabels(cliLabels.Count > 0 ? cliLabels : [DefaultLabel], ExitCodes.Usage, "--labels");
    }

}

/// <summary>What register needs, from flags or answers.</summary>
internal sealed record RegisterAnswers(string? Instance, string? Token, string? Name, IReadOnlyList<string> Labels);
