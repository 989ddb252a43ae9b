using System.Collections.Concurrent;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>
/// The renderings every chart test checks: the default values (with the two required ones set) and
/// each of the chart's <c>ci/*.yaml</c> files, as the release <c>kube-runner</c> in namespace
/// <c>kube-runner</c>. A new ci file is picked up by every scenario test (and needs a golden file).
/// </summary>
internal static class ChartScenarios
{
    public const string Default = "default";

    private const string CiPrefix = "ci-";

    private static readonly ConcurrentDictionary<string, Task<ChartRendering>> Renderings = new(StringComparer.Ordinal);

    public static TheoryData<string> All =>
        [Default, .. ChartRender.CiValueFiles().Select(file => CiPrefix + Path.GetFileNameWithoutExtension(file))];

    public static ChartValues Values(string scenario) =>
        scenario == Default ? ChartValues.Required : ChartValues.CiFile(scenario[CiPrefix.Length..] + ".yaml");

    /// <summary>The scenario's rendering, made once per test run.</summary>
    public static Task<ChartRendering> RenderAsync(string scenario) =>
        Renderings.GetOrAdd(scenario, name => ChartRender.RenderAsync(Values(name)));
}
