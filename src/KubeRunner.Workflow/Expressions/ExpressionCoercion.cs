using System.Globalization;

namespace KubeRunner.Workflow.Expressions;

/// <summary>
/// GitHub's implicit conversions (the coercion table of the expressions documentation) and its
/// loose comparison rules. Kept public because the executor needs the same truthiness and text
/// rules outside of expressions (e.g. <c>continue-on-error</c> or interpolated <c>with:</c> values).
/// </summary>
public static class ExpressionCoercion
{
    /// <summary>null, false, 0, -0, NaN and '' are false; everything else, arrays and objects included, is true.</summary>
    public static bool IsTruthy(ExpressionValue v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Kind switch
        {
            ExpressionKind.Null => false,
            ExpressionKind.Boolean => v.AsBoolean,
            ExpressionKind.Number => v.AsNumber != 0 && !double.IsNaN(v.AsNumber),
            ExpressionKind.String => v.AsString.Length > 0,
            _ => true,
        };
    }

    /// <summary>null → 0, booleans → 1/0, strings parsed ('' → 0, unparsable → NaN), arrays and objects → NaN.</summary>
    public static double ToNumber(ExpressionValue v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Kind switch
        {
            ExpressionKind.Null => 0,
            ExpressionKind.Boolean => v.AsBoolean ? 1 : 0,
            ExpressionKind.Number => v.AsNumber,
            ExpressionKind.String => ParseNumber(v.AsString),
            _ => double.NaN,
        };
    }

    /// <summary>The text a value becomes when interpolated into a string; arrays and objects become JSON.</summary>
    public static string ToText(ExpressionValue v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Kind switch
        {
            ExpressionKind.Array or ExpressionKind.Object => v.ToJson(indented: true),
            _ => ToPrimitiveText(v),
        };
    }

    /// <summary>
    /// GitHub's <c>==</c>: values of different kinds are compared as numbers, strings ignore case,
    /// arrays and objects are equal only to themselves, NaN equals nothing.
    /// </summary>
    public static bool LooseEquals(ExpressionValue a, ExpressionValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Kind != b.Kind)
        {
            return ToNumber(a) == ToNumber(b);
        }

        return a.Kind switch
        {
            ExpressionKind.Null => true,
            ExpressionKind.Boolean => a.AsBoolean == b.AsBoolean,
            ExpressionKind.Number => a.AsNumber == b.AsNumber,
            ExpressionKind.String => string.Equals(a.AsString, b.AsString, StringComparison.OrdinalIgnoreCase),
            // The value itself is the identity: every empty array shares one backing store.
            ExpressionKind.Array => ReferenceEquals(a, b),
            _ => ReferenceEquals(a.AsObject, b.AsObject),
        };
    }

    /// <summary>
    /// The order of two values for <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, or null when they
    /// have none (NaN involved, or arrays/objects), which makes every ordering comparison false.
    /// </summary>
    internal static int? Order(ExpressionValue a, ExpressionValue b)
    {
        if (a.Kind == b.Kind)
        {
            switch (a.Kind)
            {
                case ExpressionKind.Null:
                    return 0;
                case ExpressionKind.String:
                    return Math.Sign(string.Compare(a.AsString, b.AsString, StringComparison.OrdinalIgnoreCase));
                case ExpressionKind.Array:
                case ExpressionKind.Object:
                    return null;
                default:
                    break;
            }
        }

        var left = ToNumber(a);
        var right = ToNumber(b);
        return double.IsNaN(left) || double.IsNaN(right) ? null : left.CompareTo(right);
    }

    /// <summary>
    /// The text functions such as <c>format</c>, <c>join</c> and <c>contains</c> work on: like
    /// <see cref="ToText"/>, except that arrays and objects are just named, as GitHub does.
    /// </summary>
    internal static string ToFunctionText(ExpressionValue v) => v.Kind switch
    {
        ExpressionKind.Array => "Array",
        ExpressionKind.Object => "Object",
        _ => ToPrimitiveText(v),
    };

    internal static bool IsPrimitive(ExpressionValue v) => v.Kind is not (ExpressionKind.Array or ExpressionKind.Object);

    /// <summary>
    /// Numbers in strings: surrounding whitespace is ignored, decimal with optional sign, fraction and
    /// exponent, hexadecimal (0x) and octal (0o) integers, Infinity and NaN; '' is 0; anything else NaN.
    /// </summary>
    internal static double ParseNumber(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return 0;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && (trimmed[1] is 'x' or 'X'))
        {
            return ulong.TryParse(trimmed[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : double.NaN;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && (trimmed[1] is 'o' or 'O'))
        {
            return ParseOctal(trimmed[2..]);
        }

        const NumberStyles Decimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(trimmed, Decimal, CultureInfo.InvariantCulture, out var number) ? number : double.NaN;
    }

    private static double ParseOctal(ReadOnlySpan<char> digits)
    {
        double value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7')
            {
                return double.NaN;
            }

            value = (value * 8) + (c - '0');
        }

        return value;
    }

    private static string ToPrimitiveText(ExpressionValue v) => v.Kind switch
    {
        ExpressionKind.Null => string.Empty,
        ExpressionKind.Boolean => v.AsBoolean ? "true" : "false",
        ExpressionKind.Number => ExpressionValue.FormatNumber(v.AsNumber),
        _ => v.AsString,
    };
}
