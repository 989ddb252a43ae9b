using Google.Protobuf.WellKnownTypes;

namespace KubeRunner.Agent.Tasks;

/// <summary>Reads values of a task's <c>context</c> (forgejo-protocol.md §4.3).</summary>
internal static class TaskContext
{
    /// <summary>A string value, or null when absent or not a string.</summary>
    public static string? Get(ForgeTask task, string key) =>
        task.Context?.Fields.TryGetValue(key, out var value) == true && value.KindCase == Value.KindOneofCase.StringValue
            ? value.StringValue
            : null;

    /// <summary>
    /// A value newer Forgejo sends with the <c>forgejo_</c> prefix and older ones with <c>gitea_</c>;
    /// forgejo-runner reads the first then the second, and so does this.
    /// </summary>
    public static string? GetCompatible(ForgeTask task, string key) =>
        NonEmpty(Get(task, "forgejo_" + key)) ?? NonEmpty(Get(task, "gitea_" + key));

    /// <summary>Every credential of the task that must never show in its log.</summary>
    public static IEnumerable<string> Secrets(ForgeTask task)
    {
        foreach (var value in task.Secrets.Values)
        {
            yield return value;
        }

        if (Get(task, "token") is { } token)
        {
            yield return token;
        }

        foreach (var key in (string[])["forgejo_runtime_token", "gitea_runtime_token", "forgejo_actions_id_token_request_token"])
        {
            if (Get(task, key) is { } value)
            {
                yield return value;
            }
        }
    }

    /// <summary>A short description for the first row of the task log, e.g. <c>owner/repo run #12, job build</c>.</summary>
    public static string Describe(ForgeTask task)
    {
        var repository = Get(task, "repository") ?? "?";
        var run = Get(task, "run_number") ?? Get(task, "run_id") ?? "?";
        var job = Get(task, "job") ?? "?";
        return $"{repository} run #{run}, job {job}";
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
