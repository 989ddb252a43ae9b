using System.CommandLine;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Cli;

/// <summary>An option whose value is a duration in Go's syntax (<c>90s</c>, <c>5m</c>), as in config.yaml.</summary>
internal static class DurationOption
{
    public static Option<TimeSpan> Create(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = $"{description} (default {GoDuration.Format(defaultValue)})",
        HelpName = "duration",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a duration; write it like 30s, 5m or 1h30m");
            return defaultValue;
        },
    };
}
