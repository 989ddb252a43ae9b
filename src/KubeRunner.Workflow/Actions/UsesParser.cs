namespace KubeRunner.Workflow.Actions;

/// <summary>
/// Takes a <c>uses</c> value apart in forgejo-runner's order: <c>docker://</c> first, then reusable
/// workflows, then <c>./</c> paths, and anything else is a repository. A repository reference is
/// <c>owner/repo[/path]@ref</c>: owner and repository contain neither <c>/</c> nor <c>@</c>, the ref is
/// everything after the first <c>@</c>. A full URL is its scheme and host followed by that same form.
/// </summary>
internal static class UsesParser
{
    private const string DockerPrefix = "docker://";

    private const string LocalPrefix = "./";

    private const string Forms = "./path/to/action, docker://image, owner/repo[/path]@ref or https://host/owner/repo[/path]@ref";

    private static readonly string[] _schemes = ["https://", "http://"];

    // forgejo-runner knows only .github/workflows here; Forgejo also reads workflows from .forgejo and
    // .gitea, and such a path would otherwise fail later as an action without action.yml.
    private static readonly string[] _workflowDirectories = [".forgejo/workflows/", ".gitea/workflows/", ".github/workflows/"];

    public static ActionReference? Parse(string uses, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(uses))
        {
            error = $"a step's 'uses' is empty: write {Forms}";
            return null;
        }

        if (uses.StartsWith(DockerPrefix, StringComparison.Ordinal))
        {
            var image = uses[DockerPrefix.Length..];
            if (image.Length == 0)
            {
                error = $"'uses: {uses}' names no image: write docker://image[:tag], for example docker://alpine:3.20";
                return null;
            }

            return new ActionReference { Kind = ActionReferenceKind.Docker, Uses = uses, Image = image };
        }

        if (IsReusableWorkflow(uses))
        {
            error = $"'uses: {uses}' is a reusable workflow: the forge expands reusable workflows into jobs, they cannot run as a step; call it from a job's 'uses:' instead";
            return null;
        }

        if (uses.StartsWith(LocalPrefix, StringComparison.Ordinal))
        {
            return new ActionReference { Kind = ActionReferenceKind.Local, Uses = uses, Path = uses };
        }

        if (uses is "." or ".." || uses.StartsWith("../", StringComparison.Ordinal))
        {
            error = $"'uses: {uses}' is not inside the workspace: a local action's path starts with './' and is relative to the workspace";
            return null;
        }

        return ParseRemote(uses, out error);
    }

    private static bool IsReusableWorkflow(string uses)
    {
        var at = uses.IndexOf('@', StringComparison.Ordinal);
        var location = at < 0 ? uses : uses[..at];
        return (location.EndsWith(".yml", StringComparison.Ordinal) || location.EndsWith(".yaml", StringComparison.Ordinal))
            && _workflowDirectories.Any(directory => location.Contains(directory, StringComparison.Ordinal));
    }

    private static ActionReference? ParseRemote(string uses, out string? error)
    {
        error = null;
        string? baseUrl = null;
        var rest = uses;
        if (_schemes.FirstOrDefault(s => uses.StartsWith(s, StringComparison.Ordinal)) is { } scheme)
        {
            // Only the host is cut off: forgejo-runner reads the rest as owner/repo[/path]@ref.
            var afterScheme = uses[scheme.Length..];
            var slash = afterScheme.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                error = $"'uses: {uses}' names no repository: write {scheme}host/owner/repo[/path]@ref";
                return null;
            }

            baseUrl = scheme + afterScheme[..slash];
            rest = afterScheme[(slash + 1)..];
        }

        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var location = at < 0 ? rest : rest[..at];
        var segments = location.Split('/', 3);
        if (segments.Length < 2 || segments[0].Length == 0 || segments[1].Length == 0)
        {
            error = $"'uses: {uses}' names no repository: write {Forms} (a local action's path starts with './')";
            return null;
        }

        if (at < 0 || at == rest.Length - 1)
        {
            var prefix = uses[..(uses.Length - rest.Length)];
            error = $"'uses: {uses}' names no version: write '{prefix}{location}@ref', where ref is a tag, a branch or a full commit SHA";
            return null;
        }

        return new ActionReference
        {
            Kind = ActionReferenceKind.Remote,
            Uses = uses,
            BaseUrl = baseUrl,
            Owner = segments[0],
            Repo = segments[1],
            Path = segments.Length == 3 ? segments[2] : "",
            Ref = rest[(at + 1)..],
        };
    }
}
