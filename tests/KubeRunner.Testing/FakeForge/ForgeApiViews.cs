using System.Text;
using System.Text.Json;

namespace KubeRunner.Testing.FakeForge;

/// <summary>The JSON Forgejo's API shows for jobs and runners (standby.md §2.5). Callers hold the state lock.</summary>
internal sealed class ForgeApiViews(FakeForgeState state, FakeForgeOptions options)
{
    /// <summary>Forgejo's API paging defaults: DEFAULT_PAGING_NUM 30, MAX_RESPONSE_ITEMS 50.</summary>
    private const int DefaultLimit = 30;
    private const int MaxLimit = 50;

    /// <summary>RunnerIdleTime: a runner that reported on a task this recently is active.</summary>
    private static readonly TimeSpan ActiveWithin = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The waiting and running jobs of the level whose every runs-on label is in <paramref name="labels"/>
    /// (comma-separated). 14+: no parameter lists all; 11–13 split a missing one into <c>[""]</c>.
    /// </summary>
    public string Jobs(ApiLevelPath level, string? labels)
    {
        var forgejo15 = options.ApiLevel == FakeForgeApiLevel.Forgejo15;
        string[]? wanted = labels is null && forgejo15 ? null : (labels ?? "").Trim().Split(',');
        var jobs = state.Jobs
            .Where(j => j.Result == KubeRunner.Protocol.Runner.V1.Result.Unspecified && level.Contains(j))
            .Where(j => wanted is null
                || (forgejo15 && wanted[0].Length == 0 && j.Spec.RunsOn.Count == 0)
                || j.Spec.RunsOn.All(l => wanted.Contains(l, StringComparer.Ordinal)))
            .ToList();

        // Go marshals the empty (nil) slice Forgejo builds as null, not [].
        return Write(w =>
        {
            if (jobs.Count == 0)
            {
                w.WriteNullValue();
                return;
            }

            w.WriteStartArray();
            foreach (var job in jobs)
            {
                WriteJob(w, job, forgejo15);
            }

            w.WriteEndArray();
        });
    }

    public (string Page, int Total) Runners(ApiLevelPath level, int page, int limit)
    {
        page = page <= 0 ? 1 : page;
        limit = limit <= 0 ? DefaultLimit : Math.Min(limit, MaxLimit);
        var runners = state.RunnersByUuid.Values.Where(level.Registers).OrderBy(r => r.Id).ToList();
        var json = Write(w =>
        {
            w.WriteStartArray();
            foreach (var runner in runners.Skip((page - 1) * limit).Take(limit))
            {
                WriteRunner(w, runner);
            }

            w.WriteEndArray();
        });
        return (json, runners.Count);
    }

    public string? Runner(ApiLevelPath level, long id) =>
        state.FindRunner(id) is { } runner && level.Sees(runner) ? Write(w => WriteRunner(w, runner)) : null;

    /// <summary>§2.4: offline after RunnerOfflineAfter without a call (or never seen), else active or idle.</summary>
    public string Status(RunnerRecord runner)
    {
        var now = state.Now;
        if (runner.LastOnline is not { } online || now - online > options.RunnerOfflineAfter)
        {
            return "offline";
        }

        return runner.LastActive is { } active && now - active <= ActiveWithin ? "active" : "idle";
    }

    private void WriteJob(Utf8JsonWriter w, JobRecord job, bool forgejo15)
    {
        w.WriteStartObject();
        w.WriteNumber("id", job.Id);
        if (forgejo15)
        {
            w.WriteNumber("attempt", job.Attempt);
            w.WriteString("handle", job.Handle);
        }

        w.WriteNumber("repo_id", state.RepoId(job.Spec.Repository));
        w.WriteNumber("owner_id", state.OwnerId(job.Owner));
        w.WriteString("name", job.JobKey);
        WriteStrings(w, "needs", job.Spec.Needs.Keys);
        WriteStrings(w, "runs_on", job.Spec.RunsOn);
        w.WriteNumber("task_id", job.TaskId);
        w.WriteString("status", job.TaskId == 0 ? "waiting" : "running");
        w.WriteEndObject();
    }

    private void WriteRunner(Utf8JsonWriter w, RunnerRecord runner)
    {
        w.WriteStartObject();
        w.WriteNumber("id", runner.Id);
        w.WriteString("uuid", runner.Uuid);
        w.WriteNumber("owner_id", runner.Owner is null ? 0 : state.OwnerId(runner.Owner));
        w.WriteNumber("repo_id", runner.Repository is null ? 0 : state.RepoId(runner.Owner + "/" + runner.Repository));
        w.WriteString("name", runner.Name);
        w.WriteString("status", Status(runner));
        w.WriteString("version", runner.Version);
        w.WriteStartArray("labels");
        for (var i = 0; i < runner.Labels.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", i);
            w.WriteString("name", runner.Labels[i]);
            w.WriteString("type", "custom");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("description", "");
        w.WriteBoolean("ephemeral", runner.Ephemeral);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
