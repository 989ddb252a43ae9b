using System.Net;
using System.Net.Sockets;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeKubernetes;
using KubeRunner.Testing.FakeKubernetes.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>
/// A fake cluster whose pods run in Docker, and a runner whose <c>linux</c> profile uses a test image
/// with the executor image of the test bed; job pods dial the agent on the Docker host's bridge address.
/// </summary>
internal sealed class KubernetesPods : IAsyncDisposable
{
    private KubernetesPods(FakeKubeApiServer kube, DockerPodRunner pods, HostRunner runner, string image)
    {
        Kube = kube;
        Pods = pods;
        Runner = runner;
        Image = image;
    }

    public FakeKubeApiServer Kube { get; }

    public DockerPodRunner Pods { get; }

    public HostRunner Runner { get; }

    /// <summary>The profile's job image.</summary>
    public string Image { get; }

    /// <param name="profile">Keys added to the <c>linux</c> profile, each line indented by six spaces.</param>
    public static async Task<KubernetesPods> StartAsync(TestImage image, string profile = "", string executorConfig = "", string kubernetesConfig = "")
    {
        var reference = await TestImages.EnsureAsync(image);
        var executorImage = await ExecutorImage.EnsureAsync();
        var pods = await DockerPodRunner.StartAsync();
        var kube = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { PodRunner = pods });
        var (listen, address) = await AgentAddressAsync();
        var runner = await KubernetesRunner.StartAsync(kube, $"      image: {reference}\n      executor_image: {executorImage}\n      image_pull_policy: Never\n" + profile,
            agentAddress: address, executorConfig: $"  listen: {listen}\n" + executorConfig, kubernetesConfig: kubernetesConfig);
        return new KubernetesPods(kube, pods, runner, reference);
    }

    /// <summary>The agent listens only on the Docker host's bridge address, which pods on the bridge reach.</summary>
    public static async Task<(string Listen, string Address)> AgentAddressAsync()
    {
        var gateway = await DockerRunner.BridgeGatewayAsync();
        using var probe = new TcpListener(IPAddress.Parse(gateway), 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return ($"{gateway}:{port}", $"http://{gateway}:{port}");
    }

    /// <summary>Containers and volumes of pods still in Docker.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync() =>
        [.. await DockerPodRunner.ContainersAsync(Pods.InstanceLabel), .. await DockerPodRunner.VolumesAsync(Pods.InstanceLabel)];

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Kube.DisposeAsync();
        await Pods.DisposeAsync();
    }
}
