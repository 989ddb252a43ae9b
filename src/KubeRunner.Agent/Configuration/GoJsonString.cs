using System.Globalization;
using System.Text;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Quotes strings the way Go's encoding/json does, so that files forgejo-runner and KubeRunner write
/// for the same data are byte-identical: <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 are
/// escaped as <c>\u003c</c> and so on, other non-ASCII text is written as is.
/// </summary>
internal static class GoJsonString
{
    public static void Append(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                '\b' => builder.Append("\\b"),
                '\f' => builder.Append("\\f"),
                < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029' =>
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }

        builder.Append('"');
    }
}
