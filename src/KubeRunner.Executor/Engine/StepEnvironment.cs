using KubeRunner.Protocol.Contexts;
using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Executor.Engine;

/// <summary>The per-step files of runner-behaviour.md §6.10, recreated empty before each step.</summary>
internal sealed record StepFiles(string Output, string State, string Path, string Env, string Summary)
{
    public static StepFiles Create(string workflowDir)
    {
        var files = new StepFiles(
            System.IO.Path.Combine(workflowDir, "outputcmd.txt"),
            System.IO.Path.Combine(workflowDir, "statecmd.txt"),
            System.IO.Path.Combine(workflowDir, "pathcmd.txt"),
            System.IO.Path.Combine(workflowDir, "envs.txt"),
            System.IO.Path.Combine(workflowDir, "SUMMARY.md"));
        foreach (var file in (string[])[files.Output, files.State, files.Path, files.Env, files.Summary])
        {
            File.WriteAllBytes(file, []);
        }

        return files;
    }
}

/// <summary>
/// A step's environment, in forgejo-runner's order of precedence (runner-behaviour.md §6.5), lowest
/// first: the executor's own environment (the image's, or the runner's on a host), workflow env, job
/// env, the runner's <c>envs</c>, values written to <c>GITHUB_ENV</c>, the job container's env, the
/// forced <c>GITHUB_*</c>/<c>FORGEJO_*</c>/<c>CI</c> variables, and the step's own env.
/// </summary>
internal static class StepEnvironment
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Everything below the step's own env; inside a composite action, also the env of the step that called it.</summary>
    /// <param name="inContainer">
    /// For a Docker action's container: without the executor's own environment (the container's image
    /// brings its own), and without PATH unless a layer above sets it or a step added to it.
    /// </param>
    public static Dictionary<string, string> Base(JobRun run, string stepId, StepFiles files, StepFrame frame, ActionIdentity? action = null, bool inContainer = false)
    {
        var env = inContainer ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(run.BaseEnv, StringComparer.Ordinal);
        Apply(env, run.JobEnv);
        Apply(env, run.Settings.RunnerEnv);
        Apply(env, run.State.Env);
        if (run.Job.Container is { } container)
        {
            Apply(env, container.Env.Select(e => new KeyValuePair<string, string>(e.Key, Template.Interpolate(e.Value, run.Context(env)))));
        }

        Apply(env, Forced(run, stepId, files, action ?? frame.Action));
        Apply(env, frame.Env);
        if (inContainer && !env.ContainsKey("PATH") && run.State.Path.Count == 0)
        {
            return env;
        }

        var path = env.TryGetValue("PATH", out var p) && p.Length > 0 ? p : DefaultPath;
        if (run.State.Path.Count > 0)
        {
            path = string.Join(':', run.State.Path) + ":" + path;
        }

        env["PATH"] = path;
        return env;
    }

    /// <summary>The step's own env, interpolated with the env below it as <c>env</c>.</summary>
    public static void AddStepEnv(Dictionary<string, string> env, IEnumerable<KeyValuePair<string, string>> stepEnv, JobRun run, StepFrame frame)
    {
        var context = run.Context(env, frame: frame);
        foreach (var (key, value) in stepEnv)
        {
            env[key] = Template.Interpolate(value, context);
        }
    }

    private static void Apply(Dictionary<string, string> env, IEnumerable<KeyValuePair<string, string>> layer)
    {
        foreach (var (key, value) in layer)
        {
            env[key] = value;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Forced(JobRun run, string stepId, StepFiles files, ActionIdentity? action)
    {
        var github = ExpressionValue.From(run.Github);
        string G(string key) => ContextValues.Text(github, key);
        var server = G("server_url");
        var twins = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["WORKFLOW"] = G("workflow"),
            ["RUN_ATTEMPT"] = G("run_attempt"),
            ["RUN_ID"] = G("run_id"),
            ["RUN_NUMBER"] = G("run_number"),
            ["ACTION"] = stepId,
            ["ACTION_PATH"] = action?.Path ?? "",
            ["ACTION_REPOSITORY"] = action?.Repository ?? "",
            ["ACTION_REF"] = action?.Ref ?? "",
            ["ACTIONS"] = "true",
            ["ACTOR"] = G("actor"),
            ["REPOSITORY"] = G("repository"),
            ["EVENT_NAME"] = G("event_name"),
            ["EVENT_PATH"] = run.EventPath,
            ["WORKSPACE"] = run.Workspace,
            ["SHA"] = G("sha"),
            ["REF"] = G("ref"),
            ["REF_NAME"] = G("ref_name"),
            ["REF_TYPE"] = G("ref_type"),
            ["TOKEN"] = G("token"),
            ["JOB"] = run.Job.Id,
            ["REPOSITORY_OWNER"] = G("repository_owner"),
            ["RETENTION_DAYS"] = G("retention_days"),
            ["BASE_REF"] = G("base_ref"),
            ["HEAD_REF"] = G("head_ref"),
            ["SERVER_URL"] = server,
            ["API_URL"] = server.Length > 0 ? server + "/api/v1" : "",
            ["WORKFLOW_REF"] = G("workflow_ref"),
            ["OUTPUT"] = files.Output,
            ["STATE"] = files.State,
            ["PATH"] = files.Path,
            ["ENV"] = files.Env,
            ["STEP_SUMMARY"] = files.Summary,
        };
        foreach (var (key, value) in twins)
        {
            yield return new("GITHUB_" + key, value);
            yield return new("FORGEJO_" + key, value);
        }

        yield return new("CI", "true");
        yield return new("ACT", "true");
        yield return new("FORGEJO_ACTIONS", "true");
        yield return new("FORGEJO_ACTIONS_RUNNER_VERSION", run.Settings.RunnerVersion);
        yield return new("RUNNER_OS", "Linux");
        yield return new("RUNNER_ARCH", JobRun.RunnerArch);
        yield return new("RUNNER_TEMP", run.Settings.TempDir);
        yield return new("RUNNER_TOOL_CACHE", run.Settings.ToolCache);
        yield return new("RUNNER_PERFLOG", "/dev/null");
        yield return new("RUNNER_TRACKING_ID", "");
        yield return new("ImageOS", ImageOs(run.Settings.Label));
        if (server.Length > 0)
        {
            yield return new("ACTIONS_RUNTIME_URL", server + "/api/actions_pipeline/");
            yield return new("ACTIONS_RESULTS_URL", server);
        }

        var runtimeToken = ContextValues.Text(github, "forgejo_runtime_token") is { Length: > 0 } t ? t : ContextValues.Text(github, "gitea_runtime_token");
        if (runtimeToken.Length > 0)
        {
            yield return new("ACTIONS_RUNTIME_TOKEN", runtimeToken);
        }
    }

    /// <summary>ImageOS, derived from the label that runs-on selected (ubuntu-latest → ubuntulatest).</summary>
    private static string ImageOs(string label) => label.Replace("-", "", StringComparison.Ordinal);
}
