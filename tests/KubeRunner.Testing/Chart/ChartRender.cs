using KubeRunner.Testing.Docker;

namespace KubeRunner.Testing.Chart;

/// <summary>
/// Renders charts/kube-runner the way <c>helm template</c> does, with the repository's chart-render
/// tool (no helm binary can be installed here): Go's text/template with Helm's functions, values
/// merged and checked against values.schema.json. The tool builds itself on its first use.
/// </summary>
public static class ChartRender
{
    /// <summary>Names the chart-render script to use instead of the shared one.</summary>
    public const string ToolVariable = "KUBE_RUNNER_CHART_RENDER";

    /// <summary>The release of the README's install command: <c>helm install kube-runner … -n kube-runner</c>.</summary>
    public const string ReleaseName = "kube-runner";

    public const string ReleaseNamespace = "kube-runner";

    /// <summary>The values the chart requires, as <c>--set</c> arguments.</summary>
    public static IReadOnlyList<string> RequiredSets { get; } = ["forge.url=https://forge.example", "registration.token=t0ken"];

    private const string SharedTool = "shared/tools/chart-render/chart-render";

    private static readonly Lazy<Task<string>> Tool = new(PrepareToolAsync);

    public static string ChartDirectory => Path.Combine(ExecutorBundle.RepositoryRoot(), "charts", "kube-runner");

    /// <summary>The chart's <c>ci/*.yaml</c> value files, by file name.</summary>
    public static IReadOnlyList<string> CiValueFiles() =>
        [.. Directory.GetFiles(Path.Combine(ChartDirectory, "ci"), "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>
    /// Where chart-render is looked for, in order: <see cref="ToolVariable"/> when set (an explicit
    /// choice is never replaced by another copy), else next to the checkout, else the machine's copy.
    /// </summary>
    public static IReadOnlyList<string> Candidates(string? variable, string repositoryRoot) =>
        string.IsNullOrEmpty(variable)
            ? [Path.GetFullPath(Path.Combine(repositoryRoot, "..", SharedTool)), "/work/" + SharedTool]
            : [variable];

    /// <summary>The first of <paramref name="candidates"/> that exists; else an exception naming them all (chart tests fail, never skip).</summary>
    public static string FindTool(IReadOnlyList<string> candidates) =>
        candidates.FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException(
            $"chart-render was not found at {string.Join(", ", candidates)}; the chart tests need it: set {ToolVariable} " +
            "to its path (it renders a Helm chart without helm; see ../shared/tools/chart-render/main.go)");

    /// <summary>Renders the chart; a rendering that fails (schema, <c>required</c>, <c>fail</c>) throws with chart-render's message.</summary>
    public static async Task<ChartRendering> RenderAsync(ChartValues values)
    {
        var result = await RunAsync(values);
        return result.ExitCode == 0
            ? ChartRendering.Parse(result.Stdout)
            : throw new ChartRenderException(result.Stderr.Trim(), result.ExitCode);
    }

    /// <summary>Renders the chart with <see cref="RequiredSets"/> and these further <c>--set</c> values.</summary>
    public static Task<ChartRendering> RenderAsync(params string[] sets) =>
        RenderAsync(ChartValues.Defaults with { Sets = [.. RequiredSets, .. sets] });

    /// <summary>
    /// The objects of kind <typeparamref name="T"/> the chart makes with its default values plus
    /// <paramref name="sets"/>, read strictly: e.g. <c>ObjectsAsync&lt;V1Role&gt;()</c> for the RBAC rules.
    /// </summary>
    public static async Task<IReadOnlyList<T>> ObjectsAsync<T>(params string[] sets) =>
        (await RenderAsync(sets)).Objects<T>();

    /// <summary>Runs chart-render and returns how it ended, for tests of refused values.</summary>
    public static async Task<CommandResult> RunAsync(ChartValues values)
    {
        var tool = await Tool.Value;
        List<string> args = ["--name", values.ReleaseName, "--namespace", values.Namespace];
        foreach (var file in values.Files)
        {
            args.AddRange(["-f", Path.IsPathRooted(file) ? file : Path.Combine(ChartDirectory, file)]);
        }

        foreach (var set in values.Sets)
        {
            args.AddRange(["--set", set]);
        }

        if (values.Notes)
        {
            args.Add("--notes");
        }

        args.Add(ChartDirectory);
        return await HostCommand.RunAsync(tool, args, TestTimeouts.Default);
    }

    // The first run builds the tool (go build) into a cache shared by the machine's test processes:
    // one at a time, so that two builds never write the same file.
    private static async Task<string> PrepareToolAsync()
    {
        var tool = FindTool(Candidates(Environment.GetEnvironmentVariable(ToolVariable), ExecutorBundle.RepositoryRoot()));
        await using var machineLock = await MachineLock.AcquireAsync("chart-render");
        var usage = await HostCommand.RunAsync(tool, [], TestTimeouts.Build);
        // Without arguments it prints its usage and exits with 2, once it is built.
        return usage.ExitCode == 2
            ? tool
            : throw new ChartRenderException($"{tool} could not build itself: {usage.Describe()}", usage.ExitCode);
    }
}
