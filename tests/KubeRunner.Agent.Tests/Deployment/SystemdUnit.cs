namespace KubeRunner.Agent.Tests.Deployment;

/// <summary>
/// A systemd unit file read as systemd reads it, for what the tests look at: <c>[Section]</c>
/// headers, <c>Key=Value</c> lines (a key may repeat), comments starting with # or ;, and lines
/// continued with a trailing backslash.
/// </summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private SystemdUnit()
    {
    }

    public static SystemdUnit Parse(string text)
    {
        var unit = new SystemdUnit();
        string? section = null;
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = pending + raw.Trim();
            pending = "";
            if (line.EndsWith('\\'))
            {
                pending = line[..^1] + " ";
                continue;
            }

            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line.EndsWith(']') ? line[1..^1] : throw new FormatException($"unclosed section header: {line}");
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is null || equals <= 0)
            {
                throw new FormatException($"not a Key=Value line inside a section: {line}");
            }

            var key = $"{section}.{line[..equals].Trim()}";
            if (!unit._values.TryGetValue(key, out var values))
            {
                unit._values[key] = values = [];
            }

            values.Add(line[(equals + 1)..].Trim());
        }

        return unit;
    }

    /// <summary>Every value of <c>Section.Key</c>, in order.</summary>
    public IReadOnlyList<string> All(string key) => _values.TryGetValue(key, out var values) ? values : [];

    /// <summary>The single value of <c>Section.Key</c>; missing or repeated is a test failure.</summary>
    public string One(string key)
    {
        var values = All(key);
        Assert.True(values.Count == 1, $"{key}: expected one value, found {values.Count}");
        return values[0];
    }

    /// <summary>A time span in systemd's syntax as the unit writes them: 90, 90s, 10min, 1h.</summary>
    public static TimeSpan Duration(string value)
    {
        var digits = new string([.. value.TakeWhile(char.IsAsciiDigit)]);
        var number = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return value[digits.Length..].Trim() switch
        {
            "" or "s" or "sec" => TimeSpan.FromSeconds(number),
            "min" or "m" => TimeSpan.FromMinutes(number),
            "h" => TimeSpan.FromHours(number),
            var unit => throw new FormatException($"unsupported time unit '{unit}' in {value}"),
        };
    }
}
