using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// The interactive part of <c>register</c>, in forgejo-runner's order: overwrite an existing
/// registration? instance URL, token, name, labels. Answers already given as flags are not asked.
/// </summary>
internal static class RegisterQuestions
{
    /// <returns>The answers, or null when the operator chose to keep an existing registration.</returns>
    public static RegisterAnswers? Ask(CliContext context, RegisterAnswers given, RunnerConfig config, string registrationPath)
    {
        if (File.Exists(registrationPath))
        {
            var overwrite = Prompt(context, $"This runner is already registered ({registrationPath}). Overwrite the registration? [y/N]");
            if (!overwrite.Equals("y", StringComparison.OrdinalIgnoreCase) && !overwrite.Equals("yes", StringComparison.OrdinalIgnoreCase))
            {
                context.Out.WriteLine("Kept the existing registration.");
                return null;
            }
        }

        var instance = given.Instance;
        while (ForgeAddress.TryParse(instance, out var problem) is null)
        {
            if (instance is not null)
            {
                context.Out.WriteLine(Capitalize(problem));
            }

            instance = Prompt(context, "Enter the URL of the Forgejo instance (for example https://forge.example/):");
        }

        var token = given.Token;
        while (string.IsNullOrWhiteSpace(token))
        {
            token = Prompt(context, "Enter the registration token (from the forge's Actions → Runners page):");
        }

        var name = given.Name ?? Prompt(context, $"Enter the runner name (empty for this machine's name, {context.HostName}):");
        var labels = given.Labels;
        if (labels.Count == 0 && config.Runner.Labels.Count == 0)
        {
            labels = AskLabels(context);
        }

        return new RegisterAnswers(instance, token, name, labels);
    }

    private static IReadOnlyList<string> AskLabels(CliContext context)
    {
        while (true)
        {
            var answer = Prompt(context, $"Enter the runner's labels, comma-separated (empty for {RegisterCommand.DefaultLabel}); for example heavy,ubuntu-latest:docker://node:22-bookworm:");
            var labels = LabelList.SplitCommaSeparated(answer);
            if (labels.Count == 0)
            {
                return [RegisterCommand.DefaultLabel];
            }

            var invalid = labels.Select(l => Label.TryParse(l, out _, out var problem) ? null : problem).FirstOrDefault(p => p is not null);
            if (invalid is null)
            {
                return labels;
            }

            context.Out.WriteLine(Capitalize(invalid));
        }
    }

    private static string Prompt(CliContext context, string question)
    {
        context.Out.WriteLine(question);
        var line = context.In.ReadLine()
            ?? throw new CliException(ExitCodes.Usage, "the input ended before registration was complete; without a terminal use --no-interactive with --instance and --token");
        return line.Trim();
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
