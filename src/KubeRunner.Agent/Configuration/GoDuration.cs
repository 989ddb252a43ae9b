using System.Globalization;
using System.Text;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Go's <c>time.Duration</c> text form, which forgejo-runner's config.yaml uses for every duration
/// (<c>300ms</c>, <c>1.5h</c>, <c>2h45m</c>). Parsing follows <c>time.ParseDuration</c>; formatting
/// follows <c>Duration.String()</c>, so values printed by KubeRunner read the same as Go's.
/// </summary>
internal static class GoDuration
{
    // Nanoseconds per unit, as in Go's unitMap. Both the micro sign (U+00B5) and the Greek mu (U+03BC)
    // are accepted, as Go does.
    private static readonly (string Unit, long Nanoseconds)[] Units =
    [
        ("ns", 1),
        ("us", 1_000),
        ("\u00b5s", 1_000),
        ("\u03bcs", 1_000),
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ];

    private const long NanosecondsPerTick = 100;

    /// <summary>Parses Go duration syntax; sub-100ns precision is truncated to TimeSpan ticks.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        // Go accepts a lone "0" (with or without sign) as the only unit-less duration.
        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!s.IsEmpty)
        {
            if (!TryReadNumber(ref s, out var number) || number > long.MaxValue || !TryReadUnit(ref s, out var unitNanoseconds))
            {
                return false;
            }

            totalNanoseconds += number * unitNanoseconds;
            // Go stores durations as int64 nanoseconds and rejects anything larger.
            if (totalNanoseconds > long.MaxValue)
            {
                return false;
            }
        }

        var ticks = (long)decimal.Truncate(totalNanoseconds / NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String()</c>: <c>1h30m0s</c>, <c>100ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var ticks = (Int128)value.Ticks;
        var nanoseconds = (UInt128)(ticks < 0 ? -ticks : ticks) * NanosecondsPerTick;
        var result = new StringBuilder();
        if (ticks < 0)
        {
            result.Append('-');
        }

        // Below one second Go picks the largest unit that keeps an integer part (ns, µs or ms).
        if (nanoseconds < 1_000)
        {
            return result.Append(CultureInfo.InvariantCulture, $"{nanoseconds}ns").ToString();
        }

        if (nanoseconds < 1_000_000)
        {
            return AppendFraction(result, nanoseconds, 1_000, 3).Append("\u00b5s").ToString();
        }

        if (nanoseconds < 1_000_000_000)
        {
            return AppendFraction(result, nanoseconds, 1_000_000, 6).Append("ms").ToString();
        }

        var totalSeconds = nanoseconds / 1_000_000_000;
        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        if (hours > 0)
        {
            result.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            result.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        var secondsNanoseconds = nanoseconds % 60_000_000_000;
        return AppendFraction(result, secondsNanoseconds, 1_000_000_000, 9).Append('s').ToString();
    }

    private static StringBuilder AppendFraction(StringBuilder builder, UInt128 nanoseconds, ulong unit, int digits)
    {
        builder.Append(CultureInfo.InvariantCulture, $"{nanoseconds / unit}");
        var fraction = nanoseconds % unit;
        if (fraction != 0)
        {
            var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
            builder.Append('.').Append(text);
        }

        return builder;
    }

    // One number: digits, optionally a '.' and more digits, with at least one digit overall.
    private static bool TryReadNumber(ref ReadOnlySpan<char> s, out decimal number)
    {
        var length = 0;
        var digits = 0;
        var seenDot = false;
        while (length < s.Length && (char.IsAsciiDigit(s[length]) || (s[length] == '.' && !seenDot)))
        {
            seenDot |= s[length] == '.';
            digits += char.IsAsciiDigit(s[length]) ? 1 : 0;
            length++;
        }

        number = 0;
        if (digits == 0 || !decimal.TryParse(s[..length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        s = s[length..];
        return true;
    }

    private static bool TryReadUnit(ref ReadOnlySpan<char> s, out long nanoseconds)
    {
        var length = 0;
        while (length < s.Length && s[length] != '.' && !char.IsAsciiDigit(s[length]))
        {
            length++;
        }

        var unit = s[..length];
        foreach (var (name, value) in Units)
        {
            if (unit.SequenceEqual(name))
            {
                nanoseconds = value;
                s = s[length..];
                return true;
            }
        }

        nanoseconds = 0;
        return false;
    }
}
