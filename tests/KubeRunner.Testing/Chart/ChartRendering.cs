using k8s.Models;

namespace KubeRunner.Testing.Chart;

/// <summary>
/// chart-render's output: the whole text (for golden files), NOTES.txt when asked for, and each
/// manifest as a <see cref="ChartDocument"/> that reads back strictly into KubernetesClient's models.
/// </summary>
public sealed class ChartRendering
{
    private const string SourcePrefix = "# Source: ";

    private ChartRendering(string text, IReadOnlyList<ChartDocument> documents, string? notes)
    {
        Text = text;
        Documents = documents;
        Notes = notes;
    }

    /// <summary>Exactly what chart-render printed.</summary>
    public string Text { get; }

    /// <summary>The manifests, in output order; empty documents (a template that rendered nothing) are left out.</summary>
    public IReadOnlyList<ChartDocument> Documents { get; }

    /// <summary>The rendered NOTES.txt, or null when it was not asked for.</summary>
    public string? Notes { get; }

    /// <summary>Splits chart-render's output: each template starts with <c>---</c> and a <c># Source:</c> line, and may hold several documents.</summary>
    public static ChartRendering Parse(string text)
    {
        List<ChartDocument> documents = [];
        string? notes = null;
        var source = "";
        foreach (var part in SplitDocuments(text))
        {
            var body = part;
            if (body.StartsWith(SourcePrefix, StringComparison.Ordinal))
            {
                var end = body.IndexOf('\n', StringComparison.Ordinal);
                source = body[SourcePrefix.Length..(end < 0 ? body.Length : end)];
                body = end < 0 ? "" : body[(end + 1)..];
            }

            if (source.EndsWith("/NOTES.txt", StringComparison.Ordinal))
            {
                notes = body;
            }
            else if (ChartDocument.HasContent(body))
            {
                documents.Add(ChartDocument.Parse(source, body));
            }
        }

        return new ChartRendering(text, documents, notes);
    }

    /// <summary>Every object of kind <typeparamref name="T"/>, read strictly (an unknown field throws).</summary>
    public IReadOnlyList<T> Objects<T>() =>
        [.. Documents.Where(d => d.ModelType == typeof(T)).Select(d => (T)d.ReadStrict())];

    /// <summary>The one object of kind <typeparamref name="T"/> named <paramref name="name"/> (in <paramref name="ns"/> when given).</summary>
    public T Named<T>(string name, string? ns = null)
        where T : IMetadata<V1ObjectMeta> =>
        Objects<T>().Single(o => o.Metadata.Name == name && (ns is null || o.Metadata.NamespaceProperty == ns));

    /// <summary>The agent's config.yaml, from the ConfigMap named <paramref name="fullname"/>.</summary>
    public string ConfigYaml(string fullname = ChartRender.ReleaseName) =>
        Named<V1ConfigMap>(fullname).Data["config.yaml"];

    private static IEnumerable<string> SplitDocuments(string text)
    {
        var current = new System.Text.StringBuilder();
        var lines = text.Split('\n');
        // The text ends with a newline; the empty string after it is no line.
        foreach (var line in text.EndsWith('\n') ? lines[..^1] : lines)
        {
            if (line == "---")
            {
                yield return current.ToString();
                current.Clear();
                continue;
            }

            current.Append(line).Append('\n');
        }

        yield return current.ToString();
    }
}
