using System.CommandLine;
using System.Runtime.InteropServices;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Hosting;

namespace KubeRunner.Agent.Cli;

/// <summary>The commands that only print: generate-config, config show, version.</summary>
internal static class SmallCommands
{
    public static Command GenerateConfig(CliContext context)
    {
        var command = new Command("generate-config", "Print an example config.yaml with every key, its default and what it does");
        command.SetAction(_ =>
        {
            context.Out.Write(ExampleConfig.Text);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Config(CliContext context, Option<string?> configOption)
    {
        var show = new Command("show", "Print the effective configuration (file, defaults and environment), secrets redacted");
        show.SetAction(parse =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            context.Out.WriteLine($"# effective configuration; source: {config.SourcePath ?? "defaults and environment (no --config)"}");
            context.Out.Write(ConfigPrinter.ToYaml(config));
            var registrationPath = ConfigOption.RegistrationPath(context, config);
            if (File.Exists(registrationPath))
            {
                var registration = RegistrationFile.Load(registrationPath);
                context.Out.WriteLine($"# registration ({registrationPath}): runner '{registration.Name}' uuid {registration.Uuid} at {registration.Address}, token ***, labels {string.Join(", ", registration.Labels)}");
            }
            else
            {
                context.Out.WriteLine($"# registration: none yet at {registrationPath} (run kube-runner register)");
            }

            return ExitCodes.Success;
        });
        return new Command("config", "Inspect the configuration") { show };
    }

    public static Command Version(CliContext context)
    {
        var command = new Command("version", "Print the version of kube-runner");
        command.SetAction(_ =>
        {
            context.Out.WriteLine($"kube-runner {AgentVersion.Value} (Forgejo runner protocol runner.v1, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier})");
            return ExitCodes.Success;
        });
        return command;
    }
}
