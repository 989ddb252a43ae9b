using System.CommandLine;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Cli;

/// <summary>An option whose value is a duration in Go's syntax (<c>90s</c>, <c>5m</c>), as in config.yaml.</summary>
internal sealed class DurationOption : Option<TimeSpan?>
{
    private readonly TimeSpan _default;

    public DurationOption(string name, TimeSpan defaultValue, string description)
        : base(name)
    {
        _default = defaultValue;
        // The default is written in Go's syntax here, rather than shown by the parser as 00:01:00.
        Description = $"{description} (default {GoDuration.Format(defaultValue)})";
        HelpName = "duration";
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a duration; write it like 30s, 5m or 1h30m");
            return null;
        };
    }

    public TimeSpan ValueOrDefault(ParseResult parse) => parse.GetValue(this) ?? _default;
}
