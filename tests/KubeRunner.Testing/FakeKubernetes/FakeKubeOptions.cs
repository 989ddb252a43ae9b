namespace KubeRunner.Testing.FakeKubernetes;

public sealed class FakeKubeOptions
{
    /// <summary>
    /// How many changes (over all resources) the server keeps for watches. A watch from a version
    /// older than the oldest kept change gets 410 Gone; a small value lets tests force that.
    /// </summary>
    public int HistoryLimit { get; init; } = 1000;

    /// <summary>How often an open watch that asked for bookmarks gets one (one also follows the initial replay).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What happens to the pods the Job controller creates; by default nothing (tests script their states).</summary>
    public IPodRunner? PodRunner { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
