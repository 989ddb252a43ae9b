using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Backends;

/// <summary>Chooses the label and the backend of a job from its <c>runs-on</c>.</summary>
/// <param name="onlyLabel">
/// Set by <c>kube-runner exec</c>: a local run has no runner labels to match, so every job runs with
/// this label (the backend chosen on the command line) whatever its runs-on says.
/// </param>
internal sealed class BackendSelector(IEnumerable<IJobBackend> backends, LabelSet labels, Label? onlyLabel = null)
{
    private readonly IJobBackend[] _backends = [.. backends];

    /// <summary>
    /// forgejo-runner's rule: the first <c>runs-on</c> value that names one of the runner's labels
    /// selects that label; its scheme decides the backend.
    /// </summary>
    /// <returns>The backend and label, or a one-line problem for the task log.</returns>
    public (IJobBackend? Backend, Label? Label, string? Problem) Select(IReadOnlyList<string> runsOn)
    {
        if (onlyLabel is not null)
        {
            return ForLabel(onlyLabel, runsOn);
        }

        var known = labels.Labels.Count == 0 ? "none" : string.Join(", ", labels.Labels.Select(l => l.ToString()));
        if (runsOn.Count == 0)
        {
            return (null, null, $"The job has no runs-on, so no label of this runner applies (labels: {known}).");
        }

        var label = labels.Pick(runsOn);
        if (label is null)
        {
            return (null, null, $"None of this runner's labels ({known}) is named in runs-on [{string.Join(", ", runsOn)}].");
        }

        return ForLabel(label, runsOn);
    }

    private (IJobBackend? Backend, Label? Label, string? Problem) ForLabel(Label label, IReadOnlyList<string> runsOn)
    {
        var backend = _backends.FirstOrDefault(b => b.CanRun(label));
        if (backend is null)
        {
            var available = _backends.Length == 0 ? "none in this version" : string.Join(", ", _backends.Select(b => b.Name));
            return (null, label, $"This runner cannot run the job: runs-on [{string.Join(", ", runsOn)}] selects the label '{label}', and no backend of this kube-runner runs '{label.Scheme}' labels (backends: {available}).");
        }

        return (backend, label, null);
    }
}
