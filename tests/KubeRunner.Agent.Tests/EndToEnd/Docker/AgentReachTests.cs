using System.Net;
using System.Net.Sockets;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

public sealed class AgentReachTests
{
    [Fact]
    public async Task Job_AgentReachedThroughHostGateway_RunsWithoutTheSocketMount()
    {
        // The agent listens only on the Docker host's bridge address, which host-gateway names in containers.
        var gateway = await DockerRunner.BridgeGatewayAsync();
        var listen = $"{gateway}:{FreePort(IPAddress.Parse(gateway))}";
        var runner = await DockerRunner.StartAsync(TestImage.Busybox, dockerConfig: "  agent: host-gateway\n", executorConfig: $"  listen: {listen}\n");
        await using (runner)
        {
            var task = await runner.RunAsync("""
                on: push
                jobs:
                  build:
                    runs-on: linux
                    defaults:
                      run:
                        shell: sh
                    steps:
                      - run: if [ -e /__kube-runner-agent ]; then echo "socket mounted"; else echo "no socket"; fi
                      - run: grep -c kube-runner-agent /etc/hosts
                """);

            Assert.True(task.Result == Result.Success, runner.Explain(task));
            Assert.Equal(["no socket"], task.StepRows(0));
            Assert.Equal(["1"], task.StepRows(1));
        }

        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_AgentInAContainer_JoinsTheTaskNetworkAndLeavesIt()
    {
        // The "agent's container" relays what reaches it to this agent, as an agent running inside it
        // would answer itself: each connection to the port gets an nc to the agent's listen address.
        var gateway = await DockerRunner.BridgeGatewayAsync();
        var port = FreePort(IPAddress.Parse(gateway));
        var busybox = await TestImages.EnsureAsync(TestImage.Busybox);
        var relay = (await DockerCli.RunCheckedAsync("run", "-d", "--label", DockerCli.TestLabel, busybox,
            "nc", "-ll", "-p", $"{port}", "-e", "nc", gateway, $"{port}")).Trim();
        try
        {
            var runner = await DockerRunner.StartAsync(TestImage.Busybox, dockerConfig: $"  agent: container:{relay}\n",
                executorConfig: $"  listen: {gateway}:{port}\n");
            await using (runner)
            {
                var task = await runner.RunAsync("""
                    on: push
                    jobs:
                      build:
                        runs-on: linux
                        steps:
                          - shell: sh
                            run: echo "reached through the task network"
                    """);

                Assert.True(task.Result == Result.Success, runner.Explain(task));
                Assert.Equal(["reached through the task network"], task.StepRows(0));
            }

            Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
            var networks = await DockerCli.RunCheckedAsync("inspect", "-f", "{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}", relay);
            Assert.Equal("bridge", networks.Trim());
        }
        finally
        {
            await DockerCli.RunAsync("rm", "-f", relay);
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
