using KubeRunner.Agent.Backends.Docker.Spec;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class VolumeRulesTests
{
    [Fact]
    public void Filter_NoValidVolumes_KeepsOnlyAnonymousVolumes()
    {
        var (allowed, dropped) = VolumeRules.Filter(["/cache", "data:/data", "/etc:/host-etc:ro"], []);

        Assert.Equal(["/cache"], allowed);
        Assert.Equal(["data", "/etc"], dropped);
    }

    [Theory]
    [InlineData("data", "data:/data", true)]
    [InlineData("data", "data2:/data", false)]
    [InlineData("/etc/ssl/*", "/etc/ssl/certs:/etc/ssl/certs:ro", true)]
    [InlineData("/etc/ssl/*", "/etc/passwd:/p", false)]
    [InlineData("**", "/anything/at/all:/x", true)]
    [InlineData("cache-?", "cache-1:/c", true)]
    [InlineData("cache-[ab]", "cache-c:/c", false)]
    [InlineData("{data,logs}", "logs:/l", true)]
    public void Filter_Globs_MatchTheSource(string glob, string volume, bool expected)
    {
        var (allowed, _) = VolumeRules.Filter([volume], [glob]);

        Assert.Equal(expected, allowed.Count == 1);
    }

    [Theory]
    [InlineData("-", "unix:///var/run/docker.sock", null)]
    [InlineData("automount", "unix:///var/run/docker.sock", "/var/run/docker.sock")]
    [InlineData("automount", "tcp://10.0.0.7:2375", null)]
    [InlineData("unix:///run/podman/podman.sock", "unix:///var/run/docker.sock", "/run/podman/podman.sock")]
    [InlineData("tcp://10.0.0.7:2375", "unix:///var/run/docker.sock", null)]
    public void DockerSocket_DockerHostSetting_GivesTheHostPathToMount(string dockerHost, string daemon, string? expected)
    {
        Assert.Equal(expected, VolumeRules.DockerSocket(dockerHost, daemon));
    }

    [Theory]
    [InlineData("postgres", "postgres")]
    [InlineData("Web", "web")]
    [InlineData("my_db.1", "my_db_1")]
    [InlineData("cache-2", "cache-2")]
    public void ServiceAlias_Id_IsLowerCasedAndSanitised(string id, string alias)
    {
        Assert.Equal(alias, ServiceAlias.From(id));
    }
}
