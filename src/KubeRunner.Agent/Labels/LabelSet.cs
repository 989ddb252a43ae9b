namespace KubeRunner.Agent.Labels;

/// <summary>
/// The labels of a runner, in the order they were configured. When two labels share a name the first
/// one wins, both here and in <see cref="Pick"/>.
/// </summary>
internal sealed class LabelSet
{
    private readonly Dictionary<string, Label> _byName;

    /// <summary>Parses every label string; throws <see cref="LabelException"/> for the first invalid one.</summary>
    public LabelSet(IEnumerable<string> labels)
    {
        List<Label> ordered = [];
        _byName = new Dictionary<string, Label>(StringComparer.Ordinal);
        foreach (var text in labels)
        {
            var label = Label.Parse(text);
            if (_byName.TryAdd(label.Name, label))
            {
                ordered.Add(label);
            }
        }

        Labels = ordered;
        Names = [.. ordered.Select(label => label.Name)];
    }

    public IReadOnlyList<Label> Labels { get; }

    /// <summary>The names Forgejo gets (Register, Declare): schemes and arguments stay local.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The label for a job: the one named by the first <c>runs-on</c> value that names a label, as
    /// forgejo-runner's PickPlatform decides; null when no value matches.
    /// </summary>
    public Label? Pick(IEnumerable<string> runsOn)
    {
        foreach (var value in runsOn)
        {
            if (_byName.TryGetValue(value, out var label))
            {
                return label;
            }
        }

        return null;
    }
}
