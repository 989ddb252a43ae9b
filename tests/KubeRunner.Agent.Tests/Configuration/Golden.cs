namespace KubeRunner.Agent.Tests.Configuration;

/// <summary>Expected outputs kept as files under Configuration/Golden (copied next to the test assembly).</summary>
internal static class Golden
{
    public static string Read(string name) => File.ReadAllText(PathOf(name));

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(PathOf(name));

    private static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Configuration", "Golden", name);
}
