using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>NOTES.txt tells the operator what to check next, with this release's names filled in.</summary>
public sealed class ChartNotesTests
{
    [Fact]
    public async Task Notes_Defaults_NameTheReleasesNamespaceAndRunnerSecret()
    {
        var notes = (await ChartRender.RenderAsync(ChartValues.Required with { Notes = true })).Notes;

        Assert.NotNull(notes);
        Assert.Contains("kubectl -n kube-runner rollout status deployment/kube-runner", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl -n kube-runner logs deployment/kube-runner", notes, StringComparison.Ordinal);
        Assert.Contains("/readyz", notes, StringComparison.Ordinal);
        Assert.Contains("Actions → Runners", notes, StringComparison.Ordinal);
        Assert.Contains("runs-on: heavy", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl -n kube-runner delete secret kube-runner-runner", notes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notes_OtherReleaseAndJobsNamespace_UseTheirNames()
    {
        var notes = (await ChartRender.RenderAsync(ChartValues.Defaults with
        {
            ReleaseName = "crunchy",
            Namespace = "ci",
            Files = ["ci/jobs-namespace.yaml"],
            Notes = true,
        })).Notes;

        Assert.NotNull(notes);
        Assert.Contains("kubectl -n ci rollout status deployment/crunchy-kube-runner", notes, StringComparison.Ordinal);
        Assert.Contains("crunchy-kube-runner-runner", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl -n ci-jobs get jobs,pods", notes, StringComparison.Ordinal);
        Assert.Contains("\"crunchy-k8s\"", notes, StringComparison.Ordinal);
    }
}
