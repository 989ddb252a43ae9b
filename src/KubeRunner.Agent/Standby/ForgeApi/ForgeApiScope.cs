namespace KubeRunner.Agent.Standby.ForgeApi;

internal enum ForgeApiLevel
{
    Admin,
    Org,
    Repo,
    User,
}

/// <summary>
/// <c>standby.api_scope</c>: the level the runners are registered at, and so whose waiting jobs and runners the
/// API token reads: <c>admin</c>, <c>org/NAME</c>, <c>repo/OWNER/NAME</c> or <c>user</c> (standby.md §2.5).
/// </summary>
internal sealed record ForgeApiScope(ForgeApiLevel Level, string? Owner, string? Repository)
{
    /// <summary>Parses the option as an operator writes it.</summary>
    /// <returns>null, with one line saying what is wrong and what to write, when it is not a scope.</returns>
    public static ForgeApiScope? TryParse(string? text, out string problem)
    {
        problem = "";
        var parts = (text ?? "").Trim().Split('/');
        ForgeApiScope? scope = parts switch
        {
            ["admin"] => new ForgeApiScope(ForgeApiLevel.Admin, null, null),
            ["user"] => new ForgeApiScope(ForgeApiLevel.User, null, null),
            ["org", var org] when IsName(org) => new ForgeApiScope(ForgeApiLevel.Org, org, null),
            ["repo", var owner, var repo] when IsName(owner) && IsName(repo) => new ForgeApiScope(ForgeApiLevel.Repo, owner, repo),
            _ => null,
        };
        if (scope is null)
        {
            problem = string.IsNullOrWhiteSpace(text)
                ? "standby.api_scope is empty; with standby.api_token_file set, write the level the runners are registered at: admin, org/NAME, repo/OWNER/NAME or user"
                : $"standby.api_scope '{text}' is not admin, org/NAME, repo/OWNER/NAME or user; write the level the runners are registered at";
        }

        return scope;
    }

    /// <summary>The path of the level under <c>/api/v1/</c>, e.g. <c>repos/acme/app</c>.</summary>
    public string PathPrefix => Level switch
    {
        ForgeApiLevel.Admin => "admin",
        ForgeApiLevel.Org => "orgs/" + Uri.EscapeDataString(Owner!),
        ForgeApiLevel.Repo => $"repos/{Uri.EscapeDataString(Owner!)}/{Uri.EscapeDataString(Repository!)}",
        _ => "user",
    };

    /// <summary>The token scope Forgejo wants for a GET at this level.</summary>
    public string RequiredTokenScope => Level switch
    {
        ForgeApiLevel.Admin => "read:admin (a site administrator's token)",
        ForgeApiLevel.Org => "read:organization (an owner of the organisation)",
        ForgeApiLevel.Repo => "read:repository (an owner or admin of the repository)",
        _ => "read:user",
    };

    /// <summary>As written in config.yaml.</summary>
    public override string ToString() => Level switch
    {
        ForgeApiLevel.Admin => "admin",
        ForgeApiLevel.Org => "org/" + Owner,
        ForgeApiLevel.Repo => $"repo/{Owner}/{Repository}",
        _ => "user",
    };

    private static bool IsName(string name) => name.Length > 0 && !name.Any(char.IsWhiteSpace);
}
