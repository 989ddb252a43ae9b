using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ProcessEnvironmentTests
{
    [Fact]
    public void Snapshot_ProcessEnvironment_HoldsItsVariables()
    {
        var snapshot = ProcessEnvironment.Snapshot();

        Assert.Equal(Environment.GetEnvironmentVariables().Count, snapshot.Count);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), snapshot["PATH"]);
    }
}
