namespace KubeRunner.Testing.FakeForge;

/// <summary>The level an <c>/api/v1</c> path reads: admin (all), an org or user, or one repository.</summary>
internal sealed record ApiLevelPath(FakeApiScopeKind Kind, string? Owner, string? Repository)
{
    public bool Contains(JobRecord job) => Kind switch
    {
        FakeApiScopeKind.Admin => true,
        FakeApiScopeKind.Repo => Same(Owner, job.Owner) && Same(Repository, job.RepositoryName),
        _ => Same(Owner, job.Owner),
    };

    /// <summary>The runners registered at exactly this level (ListRunners without <c>visible</c>).</summary>
    public bool Registers(RunnerRecord runner) => Kind switch
    {
        FakeApiScopeKind.Admin => true,
        FakeApiScopeKind.Repo => Same(Owner, runner.Owner) && Same(Repository, runner.Repository),
        _ => Same(Owner, runner.Owner) && runner.Repository is null,
    };

    /// <summary>GetVisibleRunnerByID: the level's own runners plus those inherited from owner and global level.</summary>
    public bool Sees(RunnerRecord runner) => Kind switch
    {
        FakeApiScopeKind.Admin => true,
        FakeApiScopeKind.Repo => runner.Owner is null
            || (Same(Owner, runner.Owner) && (runner.Repository is null || Same(Repository, runner.Repository))),
        _ => runner.Owner is null || (Same(Owner, runner.Owner) && runner.Repository is null),
    };

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

internal enum ApiResource
{
    Version,
    Jobs,
    Runners,
    Runner,
}

/// <summary>A parsed <c>/api/v1</c> path the fake serves at its <see cref="FakeForgeApiLevel"/>.</summary>
/// <param name="Level">Null for /version; for /user… the owner is filled in from the token.</param>
internal sealed record ApiRoute(ApiResource Resource, ApiLevelPath? Level, long RunnerId = 0)
{
    /// <summary>Parses the path after <c>/api/v1/</c>; null when the emulated release has no such endpoint.</summary>
    public static ApiRoute? TryParse(string path, FakeForgeApiLevel apiLevel)
    {
        var segments = path.Trim('/').Split('/');
        if (segments is ["version"])
        {
            return new ApiRoute(ApiResource.Version, null);
        }

        if (apiLevel == FakeForgeApiLevel.None)
        {
            return null;
        }

        var (level, rest) = segments switch
        {
            ["admin", .. var r] => (new ApiLevelPath(FakeApiScopeKind.Admin, null, null), r),
            ["orgs", var org, .. var r] when org.Length > 0 => (new ApiLevelPath(FakeApiScopeKind.Org, org, null), r),
            ["repos", var owner, var repo, .. var r] when owner.Length > 0 && repo.Length > 0 =>
                (new ApiLevelPath(FakeApiScopeKind.Repo, owner, repo), r),
            ["user", .. var r] => (new ApiLevelPath(FakeApiScopeKind.User, null, null), r),
            _ => (null, Array.Empty<string>()),
        };
        if (level is null)
        {
            return null;
        }

        var forgejo15 = apiLevel == FakeForgeApiLevel.Forgejo15;
        return rest switch
        {
            // Forgejo 11 added the jobs lists; 15 moved the admin one under /actions and kept the old path (deprecated).
            ["runners", "jobs"] when level.Kind == FakeApiScopeKind.Admin => new ApiRoute(ApiResource.Jobs, level),
            ["actions", "runners", "jobs"] when forgejo15 || level.Kind != FakeApiScopeKind.Admin => new ApiRoute(ApiResource.Jobs, level),
            ["actions", "runners"] when forgejo15 => new ApiRoute(ApiResource.Runners, level),
            ["actions", "runners", var id] when forgejo15 && long.TryParse(id, out var runnerId) && runnerId > 0 =>
                new ApiRoute(ApiResource.Runner, level, runnerId),
            _ => null,
        };
    }
}
