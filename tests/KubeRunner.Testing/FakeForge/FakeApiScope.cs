namespace KubeRunner.Testing.FakeForge;

public enum FakeApiScopeKind
{
    /// <summary>A site administrator's token with <c>read:admin</c>: every level.</summary>
    Admin,

    /// <summary>An organisation owner's token: that organisation and its repositories.</summary>
    Org,

    /// <summary>A repository owner's or admin's token: that repository only.</summary>
    Repo,

    /// <summary>A user's token: the user's own runners and jobs (<c>/user/…</c>) and the user's repositories.</summary>
    User,
}

/// <summary>What an API token added with <see cref="FakeForge.AddApiToken"/> may read (standby.md §2.5 "Who may call").</summary>
public sealed record FakeApiScope
{
    private FakeApiScope(FakeApiScopeKind kind, string owner, string? repository)
    {
        Kind = kind;
        Owner = owner;
        Repository = repository;
    }

    /// <summary>A site admin (user <c>forge-admin</c>).</summary>
    public static FakeApiScope Admin { get; } = new(FakeApiScopeKind.Admin, "forge-admin", null);

    public FakeApiScopeKind Kind { get; }

    /// <summary>The organisation, the user, or the repository's owner.</summary>
    public string Owner { get; }

    /// <summary>The repository name (without owner) for <see cref="FakeApiScopeKind.Repo"/>.</summary>
    public string? Repository { get; }

    public static FakeApiScope Org(string name) => new(FakeApiScopeKind.Org, name, null);

    public static FakeApiScope Repo(string owner, string name) => new(FakeApiScopeKind.Repo, owner, name);

    public static FakeApiScope User(string name) => new(FakeApiScopeKind.User, name, null);

    /// <summary>Whether a token of this scope may read the API level <paramref name="level"/>.</summary>
    internal bool Allows(ApiLevelPath level) => Kind switch
    {
        FakeApiScopeKind.Admin => true,
        FakeApiScopeKind.Org => level.Kind is FakeApiScopeKind.Org or FakeApiScopeKind.Repo && Same(level.Owner),
        FakeApiScopeKind.User => level.Kind == FakeApiScopeKind.User || (level.Kind == FakeApiScopeKind.Repo && Same(level.Owner)),
        FakeApiScopeKind.Repo => level.Kind == FakeApiScopeKind.Repo && Same(level.Owner)
            && string.Equals(level.Repository, Repository, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public override string ToString() => Kind switch
    {
        FakeApiScopeKind.Admin => "admin",
        FakeApiScopeKind.Repo => $"repo/{Owner}/{Repository}",
        _ => $"{Kind.ToString().ToLowerInvariant()}/{Owner}",
    };

    // Forgejo's user and repository names are case-insensitive.
    private bool Same(string? owner) => string.Equals(owner, Owner, StringComparison.OrdinalIgnoreCase);
}
