using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Chart;

namespace KubeRunner.Chart.Tests;

/// <summary>Loads a rendering's config.yaml with the agent's own loader, as the daemon in the pod would.</summary>
internal static class ChartConfig
{
    public static RunnerConfig Load(ChartRendering rendering)
    {
        var directory = Directory.CreateTempSubdirectory("kube-runner-chart-");
        try
        {
            var path = Path.Combine(directory.FullName, "config.yaml");
            File.WriteAllText(path, rendering.ConfigYaml());
            // The pod's environment has no GITEA_* variables; HOME is /var/lib/kube-runner.
            return ConfigLoader.Load(path, new Dictionary<string, string>(), "/var/lib/kube-runner", directory.FullName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
