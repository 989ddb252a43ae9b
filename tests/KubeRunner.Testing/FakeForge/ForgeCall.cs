namespace KubeRunner.Testing.FakeForge;

/// <summary>What a handler needs of one HTTP request besides its message.</summary>
internal sealed class ForgeCall
{
    public required ForgeMethod Method { get; init; }

    public string? RunnerUuid { get; init; }

    public string? RunnerToken { get; init; }

    /// <summary>§3.1 step 5: only a present and non-empty <c>x-runner-request-key</c> counts.</summary>
    public string? RequestKey { get; init; }

    /// <summary>
    /// Where a slow server would spend its time: after authentication (and, for FetchTask, after taking
    /// the request-key lock), before the effect. Delays and holds of <see cref="ForgeFaults"/> wait here.
    /// </summary>
    public required Func<System.Threading.Tasks.Task> ProcessingPointAsync { get; init; }
}
