using KubeRunner.Agent.Backends.Docker.Spec;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class DockerRunOptionsTests
{
    [Fact]
    public void ParseWorkflow_AllowedFlags_GiveTypedSettings()
    {
        var parsed = DockerRunOptions.ParseWorkflow(
            "--health-cmd \"wget -q -O /dev/null http://127.0.0.1:8080/\" --health-interval 1s --health-retries=5 -m 512m "
            + "-v data:/data --tmpfs /run:size=64m --hostname box --platform linux/amd64");

        Assert.Null(parsed.Error);
        Assert.Empty(parsed.Ignored);
        var settings = parsed.Settings;
        Assert.Equal("wget -q -O /dev/null http://127.0.0.1:8080/", settings.HealthCmd);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.HealthInterval);
        Assert.Equal(5, settings.HealthRetries);
        Assert.Equal(512L << 20, settings.Memory);
        Assert.Equal("512m", settings.MemoryText);
        Assert.Equal(["data:/data"], settings.Volumes);
        Assert.Equal("size=64m", settings.Tmpfs["/run"]);
        Assert.Equal("box", settings.Hostname);
        Assert.Equal("linux/amd64", settings.Platform);
    }

    [Fact]
    public void ParseWorkflow_DockerFlagsOutsideTheAllowList_AreIgnoredByName()
    {
        var parsed = DockerRunOptions.ParseWorkflow("--cpus 2 --privileged --network host -e A=b --hostname h");

        Assert.Null(parsed.Error);
        Assert.Equal(["--cpus", "--privileged", "--network", "--env"], parsed.Ignored);
        Assert.Null(parsed.Settings.Cpus);
        Assert.Empty(parsed.Settings.Env);
        Assert.Equal("h", parsed.Settings.Hostname);
    }

    [Theory]
    [InlineData("--helth-cmd true", "--helth-cmd is not a docker run option")]
    [InlineData("-Z", "-Z is not a docker run option")]
    [InlineData("image:tag", "'image:tag' is not an option (options start with - or --)")]
    [InlineData("--memory", "--memory needs a value")]
    [InlineData("--memory lots", "--memory 'lots' is not a size (a number of bytes with an optional unit k, m, g or t, e.g. 512m or 8g)")]
    [InlineData("--health-interval 5", "--health-interval '5' is not a duration (e.g. 1s, 30s, 1m)")]
    [InlineData("--health-cmd 'unclosed", "cannot split '--health-cmd 'unclosed' into words (a quote is not closed?)")]
    public void ParseWorkflow_BadOptions_SayWhatIsWrong(string options, string error)
    {
        Assert.Equal(error, DockerRunOptions.ParseWorkflow(options).Error);
    }

    [Fact]
    public void ParseOperator_WiderSet_IsApplied()
    {
        var parsed = DockerRunOptions.ParseOperator(
            "--cpus 1.5 --shm-size 1g --ulimit nofile=1024:2048 --cap-add NET_ADMIN --cap-drop MKNOD --security-opt no-new-privileges "
            + "-e A=b --add-host db:10.0.0.2 --dns 1.1.1.1 --user 1000 --pids-limit 100 --network ignored");

        Assert.Null(parsed.Error);
        Assert.Equal(["--network"], parsed.Ignored);
        var settings = parsed.Settings;
        Assert.Equal(1.5, settings.Cpus);
        Assert.Equal(1L << 30, settings.ShmSize);
        Assert.Equal(["nofile=1024:2048"], settings.Ulimits);
        Assert.Equal(["NET_ADMIN"], settings.CapAdd);
        Assert.Equal(["MKNOD"], settings.CapDrop);
        Assert.Equal(["no-new-privileges"], settings.SecurityOpt);
        Assert.Equal(["A=b"], settings.Env);
        Assert.Equal(["db:10.0.0.2"], settings.AddHost);
        Assert.Equal(["1.1.1.1"], settings.Dns);
        Assert.Equal("1000", settings.User);
        Assert.Equal(100, settings.PidsLimit);
    }

    [Theory]
    [InlineData("--privileged", "--privileged is not allowed in options; set privileged: true instead")]
    [InlineData("--ulimit nofile", "--ulimit 'nofile' is not name=soft[:hard] (e.g. nofile=1024:2048)")]
    [InlineData("--cpus -1", "--cpus '-1' is not a positive number of CPUs (e.g. 2 or 1.5)")]
    public void ParseOperator_RefusedOrInvalid_IsAnError(string options, string error)
    {
        Assert.Equal(error, DockerRunOptions.ParseOperator(options).Error);
    }

    [Fact]
    public void ParseOperator_DockerFlagNotSupported_NamesItAndTheSupportedOnes()
    {
        var error = DockerRunOptions.ParseOperator("--gpus all").Error;

        Assert.NotNull(error);
        Assert.StartsWith("--gpus is not supported in options (supported: --add-host, --cap-add,", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("512", 512L)]
    [InlineData("100b", 100L)]
    [InlineData("64k", 64L << 10)]
    [InlineData("512m", 512L << 20)]
    [InlineData("8g", 8L << 30)]
    [InlineData("8G", 8L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("2gb", 2L << 30)]
    public void DockerSize_DockerUnits_AreBinary(string text, long bytes)
    {
        Assert.True(DockerSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("8x")]
    [InlineData("-1m")]
    public void DockerSize_NotASize_IsRefused(string text)
    {
        Assert.False(DockerSize.TryParse(text, out _));
    }
}
