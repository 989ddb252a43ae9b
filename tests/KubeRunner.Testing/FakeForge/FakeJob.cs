using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// A job waiting in the fake forge's queue: the single-job workflow Forgejo's jobparser would produce
/// (forgejo-protocol.md §4.1) plus what the server adds around it (§4.2–§4.4).
/// </summary>
public sealed class FakeJob
{
    /// <summary>The single-job workflow sent verbatim as <c>workflow_payload</c>; <c>jobs</c> must hold exactly one job.</summary>
    public required string WorkflowYaml { get; init; }

    /// <summary>
    /// Sends <see cref="WorkflowYaml"/> even when it is not a single-job payload (not YAML, two jobs),
    /// to test a runner's reaction to a broken payload; the forge then knows of no steps.
    /// </summary>
    public bool SendAsIs { get; init; }

    /// <summary>The evaluated <c>runs-on</c> label names; every one must be a label of the runner (§3.4).</summary>
    public required IReadOnlyList<string> RunsOn { get; init; }

    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Vars { get; init; } = new Dictionary<string, string>();

    /// <summary>Results and outputs of the jobs this one needs, keyed by job id (§4.2).</summary>
    public IReadOnlyDictionary<string, TaskNeed> Needs { get; init; } = new Dictionary<string, TaskNeed>();

    /// <summary><c>owner/repo</c>.</summary>
    public string Repository { get; init; } = "owner/repo";

    /// <summary>The workflow file name (context key <c>workflow</c>).</summary>
    public string WorkflowFile { get; init; } = "test.yml";

    public string Actor { get; init; } = "test-user";

    public string EventName { get; init; } = "push";

    /// <summary>The trigger webhook payload as JSON (context key <c>event</c>, an object); null builds a push payload.</summary>
    public string? EventJson { get; init; }

    public string Sha { get; init; } = "0123456789abcdef0123456789abcdef01234567";

    public string Ref { get; init; } = "refs/heads/main";

    /// <summary>The run id; null gives the job a run of its own.</summary>
    public long? RunId { get; init; }

    /// <summary>Context entries added after the standard ones (they replace a standard key of the same name).</summary>
    public IReadOnlyDictionary<string, Value> ExtraContext { get; init; } = new Dictionary<string, Value>();

    /// <summary>Standard context keys to leave out, e.g. to test a runner's reaction to a missing key.</summary>
    public IReadOnlyCollection<string> OmitContextKeys { get; init; } = [];
}
