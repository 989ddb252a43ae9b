namespace KubeRunner.Agent.Tests.Configuration;

public sealed class EnvFileMergeTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_EnvFileExists_MergesOverEnvs()
    {
        _host.Directory.Write("job.env", "SHARED=from-file\nONLY_FILE=1\n");

        var config = _host.Load("runner:\n  env_file: job.env\n  envs:\n    SHARED: from-config\n    ONLY_CONFIG: 2\n");

        Assert.Equal(
            new Dictionary<string, string> { ["ONLY_CONFIG"] = "2", ["ONLY_FILE"] = "1", ["SHARED"] = "from-file" },
            config.Runner.Envs);
        Assert.Equal("job.env", config.Runner.EnvFile);
    }

    [Fact]
    public void Load_EnvFileMissing_IsSilentlyIgnored()
    {
        var config = _host.Load("runner:\n  env_file: .env\n  envs:\n    A: 1\n");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1" }, config.Runner.Envs);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Load_EnvFileIsDirectory_IsIgnored()
    {
        Directory.CreateDirectory(Path.Combine(_host.Directory.Path, ".env"));

        var config = _host.Load("runner:\n  env_file: .env\n");

        Assert.Empty(config.Runner.Envs);
    }

    [Fact]
    public void Load_EnvFileAbsolutePath_IsRead()
    {
        var path = _host.Directory.Write("abs.env", "X=y\n");

        var config = _host.Load($"runner:\n  env_file: {path}\n");

        Assert.Equal("y", config.Runner.Envs["X"]);
    }

    [Fact]
    public void Load_EnvFileMalformed_ThrowsNamingEnvFileAndLine()
    {
        _host.Directory.Write("job.env", "OK=1\nbroken line\n");

        var exception = _host.LoadFails("runner:\n  env_file: job.env\n");

        Assert.Equal("job.env:2: expected KEY=VALUE, found 'broken line'", exception.Message);
    }
}
