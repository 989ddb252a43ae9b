using System.Globalization;
using System.Text.RegularExpressions;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>
/// Kubernetes resource quantities (<c>16</c>, <c>500m</c>, <c>64Gi</c>, <c>1e3</c>) checked and compared
/// by the API server's rules, so that a profile or a workflow is refused here, with the value named,
/// rather than by the API server when the Job is created.
/// </summary>
internal static partial class KubernetesQuantity
{
    public const string Syntax = "a Kubernetes quantity such as 16, 500m, 64Gi or 100G";

    /// <summary>Null when <paramref name="text"/> is a valid, non-negative quantity; else the one-line problem.</summary>
    public static string? Problem(string text) =>
        TryParse(text, out _) ? null : $"'{text}' is not {Syntax}";

    /// <summary>The quantity's value in base units (cores, bytes).</summary>
    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        var match = Pattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var suffix = match.Groups["suffix"].Value;
        try
        {
            value = suffix switch
            {
                "" => number,
                "n" => number / 1_000_000_000m,
                "u" => number / 1_000_000m,
                "m" => number / 1000m,
                "k" => number * 1000m,
                "M" => number * 1_000_000m,
                "G" => number * 1_000_000_000m,
                "T" => number * 1_000_000_000_000m,
                "P" => number * 1_000_000_000_000_000m,
                "E" => number * 1_000_000_000_000_000_000m,
                "Ki" => number * 1024m,
                "Mi" => number * 1024m * 1024m,
                "Gi" => number * 1024m * 1024m * 1024m,
                "Ti" => number * 1024m * 1024m * 1024m * 1024m,
                "Pi" => number * 1024m * 1024m * 1024m * 1024m * 1024m,
                "Ei" => number * 1024m * 1024m * 1024m * 1024m * 1024m * 1024m,
                _ => Exponent(number, suffix),
            };
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Compares two valid quantities by value (<c>1Gi</c> &gt; <c>1G</c>).</summary>
    public static int Compare(string left, string right) =>
        TryParse(left, out var l) && TryParse(right, out var r) ? l.CompareTo(r)
            : throw new ArgumentException($"'{left}' or '{right}' is not a quantity");

    private static decimal Exponent(decimal number, string suffix)
    {
        var exponent = int.Parse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (Math.Abs(exponent) > 18)
        {
            throw new OverflowException();
        }

        var scale = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            scale *= 10m;
        }

        return exponent >= 0 ? number * scale : number / scale;
    }

    // The API server's grammar (apimachinery resource.Quantity), without a sign: resources are never negative.
    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]*)?|\.[0-9]+)(?<suffix>|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
