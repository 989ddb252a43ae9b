using System.Globalization;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Sizes in config.yaml: plain bytes (<c>1048576</c>) or a number with a unit, binary (<c>500MiB</c>,
/// <c>2GiB</c>, or Kubernetes' <c>2Gi</c>) or decimal (<c>2GB</c>, <c>2G</c>). Units ignore case and may
/// follow a space. forgejo-runner has no size keys, so this is KubeRunner's own syntax.
/// </summary>
internal static class ByteSize
{
    // Longest suffixes first, so that "MiB" is not read as "B" after a number "5Mi".
    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ("B", 1),
    ];

    // Formatting uses binary units only: they are what the example file and the defaults use.
    private static readonly (string Unit, long Bytes)[] FormatUnits = [("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10)];

    public const string Syntax = "use bytes or a number with a unit, e.g. 500MiB, 2GiB; units are B, KiB, MiB, GiB, TiB, KB, MB, GB, TB";

    /// <summary>Parses a size of zero or more bytes; fractions (<c>1.5GiB</c>) are rounded down to whole bytes.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var (number, multiplier) = SplitUnit(trimmed);
        if (multiplier == 0 || number.Length == 0 || !char.IsAsciiDigit(number[^1]) ||
            !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var total = value * multiplier;
        if (total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)decimal.Floor(total);
        return true;
    }

    /// <summary>The shortest exact form: <c>2GiB</c>, <c>1536MiB</c>, or plain bytes with <c>B</c>.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, size) in FormatUnits)
        {
            if (bytes != 0 && bytes % size == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / size}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes}B");
    }

    private static (string Number, long Multiplier) SplitUnit(string text)
    {
        if (text.Length > 0 && char.IsAsciiDigit(text[^1]))
        {
            return (text, 1);
        }

        foreach (var (unit, size) in Units)
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^unit.Length].TrimEnd(), size);
            }
        }

        return (text, 0);
    }
}
