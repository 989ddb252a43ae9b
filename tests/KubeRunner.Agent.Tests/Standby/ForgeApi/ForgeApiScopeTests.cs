using KubeRunner.Agent.Standby.ForgeApi;

namespace KubeRunner.Agent.Tests.Standby.ForgeApi;

public sealed class ForgeApiScopeTests
{
    [Theory]
    [InlineData("admin", "admin", "admin")]
    [InlineData(" user ", "user", "user")]
    [InlineData("org/acme", "org/acme", "orgs/acme")]
    [InlineData("repo/acme/app", "repo/acme/app", "repos/acme/app")]
    [InlineData("repo/a b%/c", null, null)]
    [InlineData("org/", null, null)]
    [InlineData("org/acme/app", null, null)]
    [InlineData("repo/acme", null, null)]
    [InlineData("site", null, null)]
    [InlineData("Admin", null, null)]
    [InlineData("", null, null)]
    public void TryParse_OperatorText_ScopeOrOneLineProblem(string text, string? shown, string? pathPrefix)
    {
        var scope = ForgeApiScope.TryParse(text, out var problem);

        Assert.Equal(shown, scope?.ToString());
        Assert.Equal(pathPrefix, scope?.PathPrefix);
        if (scope is null)
        {
            Assert.Contains("standby.api_scope", problem, StringComparison.Ordinal);
            Assert.Contains("repo/OWNER/NAME", problem, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', problem);
        }
        else
        {
            Assert.Empty(problem);
        }
    }

    [Fact]
    public void PathPrefix_NameNeedingEscape_IsEscaped()
    {
        var scope = ForgeApiScope.TryParse("repo/acme/app?x", out _);

        Assert.Equal("repos/acme/app%3Fx", scope!.PathPrefix);
    }
}
