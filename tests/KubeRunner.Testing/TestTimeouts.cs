namespace KubeRunner.Testing;

/// <summary>Upper bounds for waiting in tests: generous, because shared CI machines stall. Never used to synchronise.</summary>
public static class TestTimeouts
{
    /// <summary>Waiting for something that should happen promptly.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>Waiting for a process or a whole scenario to finish.</summary>
    public static readonly TimeSpan Scenario = TimeSpan.FromMinutes(3);

    /// <summary>Building something heavy: a Native AOT publish, a Debian root file system.</summary>
    public static readonly TimeSpan Build = TimeSpan.FromMinutes(10);
}
