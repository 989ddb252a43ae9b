using KubeRunner.Executor.Engine;
using KubeRunner.Protocol.Contexts;
using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Executor.Actions;

/// <summary>An action ready to run: where its files are and what its action.yml says.</summary>
internal sealed record PreparedAction(ActionReference Reference, string Directory, ActionManifest Manifest, ActionIdentity Identity)
{
    /// <summary>The commit a remote action's ref resolved to.</summary>
    public string Sha { get; init; } = "";

    /// <summary>True when the agent had the remote action in its cache already.</summary>
    public bool FromCache { get; init; }

    /// <summary>The action as the workflow wrote it, for messages.</summary>
    public string Name => Reference.Uses;
}

/// <summary>
/// Finds the action of each <c>uses:</c> step: remote actions through the agent (once per job),
/// local ones (<c>./path</c>) in the workspace when the step runs, since an earlier step usually
/// checks them out. Each step is resolved once; a problem is kept and fails the step when it runs.
/// </summary>
internal sealed class ActionCatalog(JobRun run, IActionFetcher fetcher)
{
    /// <summary>Where short <c>owner/repo@ref</c> actions come from when the forge does not say.</summary>
    public const string FallbackActionsUrl = "https://data.forgejo.org";

    private readonly Dictionary<StepDefinition, Task<PreparedAction>> _steps = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>The forge's DEFAULT_ACTIONS_URL as the task's context carries it.</summary>
    public string DefaultActionsUrl
    {
        get
        {
            foreach (var key in (string[])["forgejo_default_actions_url", "gitea_default_actions_url"])
            {
                if (ContextValues.Text(ExpressionValue.From(run.Github), key) is { Length: > 0 } url)
                {
                    return url.TrimEnd('/');
                }
            }

            return FallbackActionsUrl;
        }
    }

    /// <exception cref="ActionProblem">The step's action cannot be used.</exception>
    public Task<PreparedAction> GetAsync(StepDefinition step, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_steps.TryGetValue(step, out var prepared) || (IsLocal(step) && prepared.IsFaulted))
            {
                // A local action that was missing may have been checked out since.
                prepared = PrepareAsync(step, cancellationToken);
                _steps[step] = prepared;
            }

            return prepared;
        }
    }

    /// <summary>
    /// The action of a step before the job's steps run: null for a <c>run:</c> step, a local action
    /// (not checked out yet) or an action with a problem, which its step reports when it comes.
    /// </summary>
    public async Task<PreparedAction?> TryGetAheadAsync(StepDefinition step, CancellationToken cancellationToken)
    {
        if (step.Uses is null || IsLocal(step))
        {
            return null;
        }

        try
        {
            return await GetAsync(step, cancellationToken);
        }
        catch (ActionProblem)
        {
            return null;
        }
    }

    /// <summary>Parses a <c>uses</c> value, or says what is wrong with it.</summary>
    public static ActionReference Parse(StepDefinition step) =>
        ActionReference.TryParse(step.Uses ?? "", out var reference, out var error) ? reference! : throw new ActionProblem(error!);

    private static bool IsLocal(StepDefinition step) => step.Uses?.StartsWith("./", StringComparison.Ordinal) == true;

    private async Task<PreparedAction> PrepareAsync(StepDefinition step, CancellationToken cancellationToken)
    {
        var reference = Parse(step);
        switch (reference.Kind)
        {
            case ActionReferenceKind.Local:
            {
                var directory = Path.GetFullPath(reference.Path, run.Workspace);
                return new PreparedAction(reference, directory, Load(reference, directory), new ActionIdentity(directory, "", ""));
            }

            case ActionReferenceKind.Remote:
            {
                var url = reference.RepositoryUrl(DefaultActionsUrl);
                var fetched = await fetcher.FetchAsync(url, reference.Ref, cancellationToken);
                // forgejo-runner refuses a ref that abbreviates the commit it resolved to.
                if (reference.AbbreviatedShaError(fetched.Sha) is { } abbreviated)
                {
                    throw new ActionProblem(abbreviated);
                }

                var directory = Path.GetFullPath(Path.Combine(fetched.Directory, reference.Path));
                if (!directory.StartsWith(fetched.Directory, StringComparison.Ordinal))
                {
                    throw new ActionProblem($"{reference.Uses}: the path '{reference.Path}' leaves the action's repository");
                }

                var identity = new ActionIdentity(directory, $"{reference.Owner}/{reference.Repo}", reference.Ref);
                return new PreparedAction(reference, directory, Load(reference, directory), identity) { Sha = fetched.Sha, FromCache = fetched.FromCache };
            }

            default:
                return new PreparedAction(reference, "", ActionManifestParser.DockerfileOnly(), new ActionIdentity("", "", ""));
        }
    }

    /// <summary>action.yml, else action.yaml, else a bare Dockerfile (forgejo-runner's order).</summary>
    private static ActionManifest Load(ActionReference reference, string directory)
    {
        foreach (var name in ActionManifestParser.FileNames)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            var parsed = ActionManifestParser.Parse(File.ReadAllText(path));
            if (!parsed.Ok)
            {
                var errors = string.Join("; ", parsed.Errors.Select(e => $"line {e.Line}: {e.Message}"));
                throw new ActionProblem($"{reference.Uses}: {name} is not valid: {errors}");
            }

            return parsed.Manifest!;
        }

        if (File.Exists(Path.Combine(directory, ActionManifestParser.DefaultDockerfile)))
        {
            return ActionManifestParser.DockerfileOnly();
        }

        throw new ActionProblem(Directory.Exists(directory)
            ? $"{reference.Uses}: there is no action.yml, action.yaml or Dockerfile in {directory}"
            : $"{reference.Uses}: {directory} does not exist{(reference.Kind == ActionReferenceKind.Local ? " (a local action is read from the workspace: check the repository out in an earlier step)" : "")}");
    }
}
