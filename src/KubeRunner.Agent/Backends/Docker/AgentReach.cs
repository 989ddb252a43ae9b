using Docker.DotNet;
using Docker.DotNet.Models;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// How the executor in a job container reaches the agent (<c>docker.agent</c>), never through host
/// networking: by default the directory of the agent's socket is bind-mounted read-only (the agent
/// runs on the Docker host); <c>host-gateway</c> lets it dial <c>executor.listen</c> on the Docker
/// host; <c>container:NAME</c> is for an agent that itself runs in container NAME with only the
/// Docker socket mounted: the agent joins each task's network, where the executor dials it by alias.
/// </summary>
internal sealed class AgentReach
{
    public const string Socket = "socket";
    public const string HostGateway = "host-gateway";
    public const string ContainerPrefix = "container:";

    /// <summary>The name job containers know the agent by, on the task network or through the host gateway.</summary>
    public const string Alias = "kube-runner-agent";

    /// <summary>Where the directory of the agent's socket is mounted in the job container.</summary>
    public const string SocketMount = "/__kube-runner-agent";

    private readonly string _socketPath;
    private readonly int _port;

    private AgentReach(string mode, string socketPath, int port, string? agentContainer)
    {
        Mode = mode;
        _socketPath = socketPath;
        _port = port;
        AgentContainer = agentContainer;
    }

    /// <summary><see cref="Socket"/>, <see cref="HostGateway"/> or <c>container:NAME</c>.</summary>
    public string Mode { get; }

    /// <summary>The agent's own container, in <c>container:NAME</c> mode.</summary>
    public string? AgentContainer { get; }

    public static AgentReach From(DockerOptions docker, ExecutorOptions executor)
    {
        var mode = docker.Agent;
        var port = executor.Listen.Length > 0 ? ListenAddress.Parse(executor.Listen, "executor.listen").Port : 0;
        return mode.StartsWith(ContainerPrefix, StringComparison.Ordinal)
            ? new AgentReach(mode, executor.Socket, port, mode[ContainerPrefix.Length..])
            : new AgentReach(mode, executor.Socket, port, null);
    }

    /// <summary>The address the executor dials (KUBE_RUNNER_AGENT).</summary>
    public string ExecutorUrl => Mode == Socket
        ? $"unix://{SocketMount}/{Path.GetFileName(_socketPath)}"
        : $"http://{Alias}:{_port}";

    /// <summary>Bind mounts the job container needs for this mode.</summary>
    public IList<string> Binds => Mode == Socket ? [$"{Path.GetDirectoryName(_socketPath)}:{SocketMount}:ro"] : [];

    /// <summary>Extra /etc/hosts entries the job container needs for this mode.</summary>
    public IList<string> ExtraHosts => Mode == HostGateway ? [$"{Alias}:host-gateway"] : [];

    /// <summary>In <c>container:NAME</c> mode, connects the agent's container to the task network under <see cref="Alias"/>.</summary>
    public async Task JoinAsync(IDockerClient client, string networkId, CancellationToken cancellationToken)
    {
        if (AgentContainer is null)
        {
            return;
        }

        await client.Networks.ConnectNetworkAsync(networkId, new NetworkConnectParameters
        {
            Container = AgentContainer,
            EndpointConfig = new EndpointSettings { Aliases = [Alias] },
        }, cancellationToken);
    }

    /// <summary>Disconnects the agent's container again: a network with a connected container cannot be removed.</summary>
    public async Task LeaveAsync(IDockerClient client, string networkId, CancellationToken cancellationToken)
    {
        if (AgentContainer is null)
        {
            return;
        }

        await client.Networks.DisconnectNetworkAsync(networkId, new NetworkDisconnectParameters { Container = AgentContainer, Force = true }, cancellationToken);
    }

    /// <summary>What is wrong with the combination of <c>docker.agent</c> and <c>executor.listen</c>, or null.</summary>
    public static string? Problem(string mode, string listen)
    {
        if (mode == Socket)
        {
            return null;
        }

        if (mode != HostGateway && (!mode.StartsWith(ContainerPrefix, StringComparison.Ordinal) || mode.Length == ContainerPrefix.Length))
        {
            return $"docker.agent: '{mode}' is not a way to reach the agent (use {Socket}, {HostGateway} or {ContainerPrefix}<name of the agent's container>)";
        }

        return listen.Length == 0
            ? $"docker.agent: '{mode}' needs executor.listen, the TCP address job containers dial (e.g. 0.0.0.0:9700)"
            : null;
    }
}
