namespace KubeRunner.Executor.Tests;

public sealed class VersionTests
{
    [Fact]
    public async Task RunAsync_Version_PrintsVersionAndSucceeds()
    {
        var exit = await ExecutorProgram.RunAsync(["--version"]);

        Assert.Equal(ExecutorExitCodes.Success, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", ExecutorProgram.Version);
    }
}
