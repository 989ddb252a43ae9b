using System.Globalization;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// Sizes as <c>docker run --memory/--shm-size</c> write them: a number with an optional binary unit
/// <c>b, k, m, g, t</c> (any case, optionally followed by <c>b</c> or <c>ib</c>), e.g. <c>512m</c>, <c>8g</c>, <c>1.5GiB</c>.
/// </summary>
internal static class DockerSize
{
    public const string Syntax = "a number of bytes with an optional unit k, m, g or t, e.g. 512m or 8g";

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed.EndsWith("ib", StringComparison.Ordinal))
        {
            trimmed = trimmed[..^2];
        }
        else if (trimmed.Length > 1 && trimmed.EndsWith('b') && !char.IsAsciiDigit(trimmed[^2]))
        {
            trimmed = trimmed[..^1];
        }

        var shift = trimmed.Length == 0 ? 0 : trimmed[^1] switch
        {
            'b' => 0,
            'k' => 10,
            'm' => 20,
            'g' => 30,
            't' => 40,
            _ => -1,
        };
        var number = shift >= 0 && trimmed.Length > 0 && !char.IsAsciiDigit(trimmed[^1]) ? trimmed[..^1].TrimEnd() : trimmed;
        shift = Math.Max(shift, 0);
        if (number.Length == 0 || !char.IsAsciiDigit(number[^1])
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var total = value * (1L << shift);
        if (total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)decimal.Floor(total);
        return true;
    }
}
