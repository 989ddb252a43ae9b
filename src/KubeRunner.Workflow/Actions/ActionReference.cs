namespace KubeRunner.Workflow.Actions;

/// <summary>Where a step's action comes from, which decides how the runner gets and runs it.</summary>
public enum ActionReferenceKind
{
    /// <summary><c>./path</c>: a directory of the job's workspace.</summary>
    Local,

    /// <summary><c>docker://image</c>: an image run as it is, without any action metadata.</summary>
    Docker,

    /// <summary><c>owner/repo[/path]@ref</c> or a full URL: a repository cloned for the job.</summary>
    Remote,
}

/// <summary>
/// A step's <c>uses:</c> value taken apart the way forgejo-runner takes it apart, so the agent and
/// the executor agree on what a step runs and refuse the same values with the same explanation.
/// The value must already be interpolated: forgejo-runner evaluates <c>${{ }}</c> in <c>uses</c>
/// before parsing it (a URL prefix may come from a secret).
/// </summary>
public sealed record ActionReference
{
    public required ActionReferenceKind Kind { get; init; }

    /// <summary>The value as written, for messages and for the step's display name.</summary>
    public required string Uses { get; init; }

    /// <summary>
    /// Local: the path as written (<c>./.forgejo/actions/x</c>), relative to the workspace. Remote: the
    /// directory inside the repository that holds the action, "" for the repository's root.
    /// </summary>
    public string Path { get; init; } = "";

    /// <summary>Docker: the image after <c>docker://</c>.</summary>
    public string Image { get; init; } = "";

    /// <summary>
    /// Remote: <c>scheme://host[:port]</c> of the full-URL form, null for the short form, which is
    /// cloned from the instance's default actions URL. forgejo-runner takes only the host from a full
    /// URL: the two path segments after it are always the owner and the repository, so a forge served
    /// under a path prefix cannot be named this way.
    /// </summary>
    public string? BaseUrl { get; init; }

    public string Owner { get; init; } = "";

    public string Repo { get; init; } = "";

    /// <summary>Remote: everything after the first <c>@</c>: a tag, a branch or a commit SHA.</summary>
    public string Ref { get; init; } = "";

    /// <summary>
    /// Whether <see cref="Ref"/> is a whole commit SHA (40 hex digits, or 64 for SHA-256 repositories).
    /// Such a ref never moves, so a clone that already has it need not fetch. Only lower-case digits
    /// count, as forgejo-runner compares the ref with git's lower-case hash text.
    /// </summary>
    public bool IsFullSha => Ref.Length is 40 or 64 && Ref.All(IsLowerHex);

    /// <summary>The repository to clone: <see cref="BaseUrl"/>, else the instance's default actions URL.</summary>
    /// <param name="defaultActionsUrl">
    /// The task's <c>default_actions_url</c>; like forgejo-runner, a value without a scheme means https.
    /// </param>
    /// <exception cref="InvalidOperationException">The reference is not <see cref="ActionReferenceKind.Remote"/>.</exception>
    public string RepositoryUrl(string defaultActionsUrl)
    {
        ArgumentNullException.ThrowIfNull(defaultActionsUrl);
        if (Kind != ActionReferenceKind.Remote)
        {
            throw new InvalidOperationException($"'{Uses}' is a {Kind} action, only remote actions have a repository");
        }

        var baseUrl = BaseUrl ?? defaultActionsUrl;
        if (BaseUrl is null && !HasScheme(baseUrl))
        {
            baseUrl = "https://" + baseUrl;
        }

        return $"{baseUrl.TrimEnd('/')}/{Owner}/{Repo}";
    }

    /// <summary>
    /// The refusal of an abbreviated commit SHA, or null when <see cref="Ref"/> may be used. Only git can
    /// tell whether a ref such as <c>cafe1234</c> is a branch, a tag or part of a commit's hash, so, as
    /// in forgejo-runner, the check is made once the clone has resolved the ref: a ref of at least four
    /// characters that is the beginning of, but not the whole of, the commit it resolved to is refused.
    /// A shorter ref, or a branch or tag of hex-looking name that resolved elsewhere, is accepted.
    /// </summary>
    /// <param name="resolvedCommit">The full hash (lower-case hex) git resolved <see cref="Ref"/> to.</param>
    public string? AbbreviatedShaError(string resolvedCommit)
    {
        ArgumentNullException.ThrowIfNull(resolvedCommit);
        const int ShortestAbbreviation = 4;
        var abbreviated = Kind == ActionReferenceKind.Remote
            && Ref.Length >= ShortestAbbreviation
            && !string.Equals(Ref, resolvedCommit, StringComparison.Ordinal)
            && resolvedCommit.StartsWith(Ref, StringComparison.Ordinal);
        return abbreviated
            ? $"cannot use the action '{Uses}': its ref '{Ref}' is an abbreviated commit SHA, which is not supported; write the full commit SHA '{resolvedCommit}' instead"
            : null;
    }

    /// <summary>
    /// Parses a step's <c>uses</c> value. On failure <paramref name="error"/> is one line that quotes the
    /// value and says what to write instead.
    /// </summary>
    public static bool TryParse(string uses, out ActionReference? reference, out string? error)
    {
        ArgumentNullException.ThrowIfNull(uses);
        reference = UsesParser.Parse(uses, out error);
        return reference is not null;
    }

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');

    private static bool HasScheme(string url) =>
        url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("http://", StringComparison.Ordinal);
}
