using System.Buffers;

namespace KubeRunner.Workflow.Logging;

/// <summary>
/// Replaces secrets in log rows with <c>***</c>, as forgejo-runner does (runner-behaviour.md §6.13): every
/// secret value, the task's tokens and every <c>::add-mask::</c> value, the longest first; a multi-line
/// secret also where it spans consecutive rows, and in its one-line form with <c>\n</c> escapes.
/// Not thread-safe: the reporter calls it under its lock.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly List<string> _values = [];
    private readonly List<string[]> _multiLine = [];
    private SearchValues<string>? _search;

    /// <summary>The most rows one secret can span (1 when no secret has a line break).</summary>
    public int MaxLines { get; private set; } = 1;

    public void Add(string? secret)
    {
        // Whitespace-only values would mask the blanks of every row, which hides nothing.
        if (string.IsNullOrWhiteSpace(secret) || _values.Contains(secret, StringComparer.Ordinal))
        {
            return;
        }

        var lines = secret.ReplaceLineEndings("\n").Trim('\n').Split('\n');
        if (lines.Length > 1)
        {
            _multiLine.Add(lines);
            _multiLine.Sort((a, b) => b.Length.CompareTo(a.Length));
            MaxLines = Math.Max(MaxLines, lines.Length);
            // The same secret printed on one line with escaped line breaks (JSON, for instance).
            AddValue(string.Join("\\n", lines));
            AddValue(string.Join("\\r\\n", lines));
            foreach (var line in lines.Where(l => l.Trim().Length >= 4))
            {
                // Each line of a key or certificate is secret by itself, wherever it shows up.
                AddValue(line.Trim());
            }
        }

        AddValue(secret);
    }

    /// <summary>Masks every single-line occurrence in <paramref name="row"/>.</summary>
    public string MaskRow(string row)
    {
        if (_search is null || row.AsSpan().IndexOfAny(_search) < 0)
        {
            return row;
        }

        // Longest first, so that a secret containing another is masked whole.
        foreach (var value in _values)
        {
            if (row.Contains(value, StringComparison.Ordinal))
            {
                row = row.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return row;
    }

    /// <summary>
    /// Masks the multi-line secrets whose last line would be the last row of <paramref name="rows"/>.
    /// Called once per appended row, so that every placement of every secret is looked at exactly once.
    /// </summary>
    public void MaskSpanEndingAtLast(IReadOnlyList<PendingRow> rows)
    {
        foreach (var lines in _multiLine)
        {
            var start = rows.Count - lines.Length;
            if (start >= 0 && Matches(lines, rows, start))
            {
                var first = rows[start];
                first.Content = first.Content[..^lines[0].Length] + Mask;
                for (var i = 1; i < lines.Length - 1; i++)
                {
                    rows[start + i].Content = Mask;
                }

                var last = rows[start + lines.Length - 1];
                last.Content = Mask + last.Content[lines[^1].Length..];
            }
        }
    }

    private static bool Matches(string[] lines, IReadOnlyList<PendingRow> rows, int start)
    {
        if (!rows[start].Content.EndsWith(lines[0], StringComparison.Ordinal)
            || !rows[start + lines.Length - 1].Content.StartsWith(lines[^1], StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 1; i < lines.Length - 1; i++)
        {
            if (!string.Equals(rows[start + i].Content, lines[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private void AddValue(string value)
    {
        if (_values.Contains(value, StringComparer.Ordinal))
        {
            return;
        }

        _values.Add(value);
        _values.Sort((a, b) => b.Length.CompareTo(a.Length));
        _search = SearchValues.Create([.. _values], StringComparison.Ordinal);
    }
}
