using System.Runtime.InteropServices;
using KubeRunner.Protocol.Contexts;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;
using ForgeTask = KubeRunner.Protocol.Runner.V1.Task;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// One job being run: its definition, the contexts its expressions see, its directories and the
/// state steps leave behind. Built once from the agent's GetJob answer.
/// </summary>
internal sealed class JobRun
{
    private readonly ExpressionObject _contexts = new();

    public JobRun(ForgeTask task, JobSettings settings, WorkflowDefinition workflow, JobDefinition job, IReadOnlyDictionary<string, string> baseEnv)
    {
        Task = task;
        Settings = settings;
        Workflow = workflow;
        Job = job;
        BaseEnv = baseEnv;
        Github = ContextValues.From(task.Context).AsObject;
        var repository = ContextValues.Text(ExpressionValue.From(Github), "repository");
        Workspace = Path.Combine(settings.WorkspaceParent, repository.Length > 0 ? repository : "workspace");
        WorkflowDir = Path.Combine(settings.ActDir, "workflow");
        EventPath = Path.Combine(WorkflowDir, "event.json");
        Github["workspace"] = ExpressionValue.From(Workspace);
        Github["event_path"] = ExpressionValue.From(EventPath);
        Github["job"] = ExpressionValue.From(job.Id);
        if (!Github.ContainsKey("server_url") && settings.InstanceUrl.Length > 0)
        {
            Github["server_url"] = ExpressionValue.From(settings.InstanceUrl.TrimEnd('/'));
        }

        ShowDebug = task.Secrets.TryGetValue("ACTIONS_STEP_DEBUG", out var debug) && debug == "true";
        _contexts["github"] = ExpressionValue.From(Github);
        _contexts["vars"] = ExpressionValue.FromStrings(task.Vars);
        _contexts["secrets"] = ExpressionValue.FromStrings(task.Secrets);
        _contexts["needs"] = ContextValues.Needs(task.Needs);
        _contexts["steps"] = ExpressionValue.From(State.Steps);
        _contexts["runner"] = ExpressionValue.From(Runner());
        _contexts["inputs"] = Github.TryGetValue("event", out var e) && e.Kind == ExpressionKind.Object && e.AsObject.TryGetValue("inputs", out var inputs)
            ? inputs
            : ExpressionValue.From(new ExpressionObject());
        _contexts["strategy"] = ExpressionValue.From(new ExpressionObject
        {
            ["fail-fast"] = ExpressionValue.From(job.Strategy?.FailFast != "false"),
            ["max-parallel"] = ExpressionValue.From(1),
        });
        _contexts["matrix"] = ExpressionValue.From(new ExpressionObject());
        _contexts["env"] = ExpressionValue.From(new ExpressionObject());
        _contexts["job"] = ExpressionValue.From(new ExpressionObject { ["status"] = ExpressionValue.From("success") });
    }

    public ForgeTask Task { get; }

    public JobSettings Settings { get; }

    public WorkflowDefinition Workflow { get; }

    public JobDefinition Job { get; }

    public ExpressionObject Github { get; }

    public IReadOnlyDictionary<string, string> BaseEnv { get; }

    public JobState State { get; } = new();

    public string Workspace { get; }

    public string WorkflowDir { get; }

    public string EventPath { get; }

    public bool ShowDebug { get; }

    /// <summary><c>runner.arch</c> and RUNNER_ARCH, in GitHub's spelling.</summary>
    public static string RunnerArch { get; } = RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "ARM64",
        Architecture.Arm => "ARM",
        Architecture.X86 => "X86",
        _ => "X64",
    };

    /// <summary>Job-level env (workflow env, then job env), interpolated once when the job starts.</summary>
    public List<KeyValuePair<string, string>> JobEnv { get; } = [];

    /// <summary>What every step's expressions see below its frame's and its own env: job env, the runner's envs, GITHUB_ENV.</summary>
    public List<KeyValuePair<string, string>> JobLevelEnv() => [.. JobEnv, .. Settings.RunnerEnv, .. State.Env];

    public void SetMatrix(ExpressionObject matrix) => _contexts["matrix"] = ExpressionValue.From(matrix);

    /// <summary>
    /// The contexts for an expression, with <paramref name="env"/> as its <c>env</c>; inside a
    /// composite action (<paramref name="frame"/>), its <c>steps</c>, <c>inputs</c> and action path.
    /// </summary>
    public ExpressionContext Context(IEnumerable<KeyValuePair<string, string>>? env = null, bool jobLevel = false, StepFrame? frame = null)
    {
        var contexts = new ExpressionObject();
        foreach (var (key, value) in _contexts)
        {
            contexts[key] = value;
        }

        if (env is not null)
        {
            contexts["env"] = ExpressionValue.FromStrings(env);
        }

        if (frame is { IsJob: false })
        {
            contexts["steps"] = ExpressionValue.From(frame.Steps);
            contexts["inputs"] = ExpressionValue.From(frame.Inputs ?? new ExpressionObject());
        }

        if (frame?.Action is { } action)
        {
            var github = new ExpressionObject();
            foreach (var (key, value) in Github)
            {
                github[key] = value;
            }

            github["action_path"] = ExpressionValue.From(action.Path);
            github["action_repository"] = ExpressionValue.From(action.Repository);
            github["action_ref"] = ExpressionValue.From(action.Ref);
            contexts["github"] = ExpressionValue.From(github);
        }

        var nestedFailed = () => frame?.Failed == true;
        contexts["job"] = ExpressionValue.From(new ExpressionObject { ["status"] = ExpressionValue.From(StatusName()) });
        var context = new ExpressionContext
        {
            // A job's own condition looks at the jobs it needs; a step's at the job (and its composite) so far.
            Success = jobLevel ? NeedsSucceeded : () => State.Status == JobStatus.Success && !nestedFailed(),
            Failure = jobLevel ? () => !NeedsSucceeded() : () => State.Status == JobStatus.Failure || (nestedFailed() && State.Status != JobStatus.Cancelled),
            Cancelled = () => State.Status == JobStatus.Cancelled,
            HashFiles = (patterns, follow) => WorkspaceHash.Compute(Workspace, patterns, follow, BaseEnv.GetValueOrDefault("HOME")),
        };
        foreach (var (key, value) in contexts)
        {
            context.Contexts[key] = value;
        }

        return context;
    }

    private bool NeedsSucceeded() => Task.Needs.Values.All(n => n.Result is Protocol.Runner.V1.Result.Success or Protocol.Runner.V1.Result.Unspecified);

    private string StatusName() => State.Status switch
    {
        JobStatus.Failure => "failure",
        JobStatus.Cancelled => "cancelled",
        _ => "success",
    };

    private ExpressionObject Runner() => new()
    {
        ["os"] = ExpressionValue.From("Linux"),
        ["arch"] = ExpressionValue.From(RunnerArch),
        ["temp"] = ExpressionValue.From(Settings.TempDir),
        ["tool_cache"] = ExpressionValue.From(Settings.ToolCache),
        ["name"] = ExpressionValue.From(Settings.Label),
    };
}
