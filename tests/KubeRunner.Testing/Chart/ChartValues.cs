namespace KubeRunner.Testing.Chart;

/// <summary>What a rendering of the chart is given: release, value files (relative to the chart), <c>--set</c> values.</summary>
public sealed record ChartValues
{
    /// <summary>The chart's own values.yaml only, released as the README installs it.</summary>
    public static ChartValues Defaults { get; } = new();

    public string ReleaseName { get; init; } = ChartRender.ReleaseName;

    public string Namespace { get; init; } = ChartRender.ReleaseNamespace;

    /// <summary>Value files (<c>-f</c>), relative to the chart's directory unless rooted, e.g. <c>ci/pdb.yaml</c>.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary><c>--set key=value</c> arguments, applied after the files.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>Also render templates/NOTES.txt.</summary>
    public bool Notes { get; init; }

    /// <summary>The default values with the required ones set.</summary>
    public static ChartValues Required => Defaults with { Sets = ChartRender.RequiredSets };

    /// <summary>One of the chart's <c>ci/*.yaml</c> files, which set the required values themselves.</summary>
    public static ChartValues CiFile(string fileName) => Defaults with { Files = [Path.Combine("ci", fileName)] };
}
