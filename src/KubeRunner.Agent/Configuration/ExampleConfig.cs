namespace KubeRunner.Agent.Configuration;

/// <summary>The commented config.yaml that <c>kube-runner generate-config</c> prints (embedded config.example.yaml).</summary>
internal static class ExampleConfig
{
    private const string ResourceName = "KubeRunner.Agent.Configuration.config.example.yaml";

    public static string Text { get; } = ReadResource();

    private static string ReadResource()
    {
        using var stream = typeof(ExampleConfig).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
