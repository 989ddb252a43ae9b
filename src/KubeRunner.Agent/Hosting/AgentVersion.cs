using System.Reflection;

namespace KubeRunner.Agent.Hosting;

/// <summary>The version of this build, as shown by <c>kube-runner version</c> and sent to Forgejo.</summary>
internal static class AgentVersion
{
    public static string Value { get; } = Read();

    /// <summary>What Register and Declare send: Forgejo shows it on the runner's page.</summary>
    public static string ForForge => $"kube-runner-{Value}";

    private static string Read()
    {
        var informational = typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // The SDK appends "+<commit>" when it knows the source revision; the short form is enough here.
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
