using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Hosting.Status;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.Peers;
using KubeRunner.Testing.FakeForge;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>
/// One agent of a simulated fleet, made of the daemon's own pieces (poller, gate, coordinator, peer
/// poller, forge watcher, keep-alive, status source) on the simulation's clock. Only running a job is
/// simulated (<see cref="SimulatedJobs"/>), and peers are read in process (<see cref="InProcessPeerProbe"/>).
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly List<IHostedService> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SimulatedJobs _jobs;
    private readonly ObservedRunnerService _observed;

    public SimulatedAgent(string address, FakeRunner runner, ForgeLink forge, StandbyOptions standby, int capacity, SimulatedFleet fleet)
    {
        Address = address;
        Runner = runner;
        Forge = forge;
        var clock = fleet.Clock;
        var labels = new LabelSet(runner.Labels);
        var pollerOptions = new PollerOptions { Capacity = capacity, FetchInterval = TimeSpan.FromSeconds(2), FetchTimeout = TimeSpan.FromSeconds(5) };
        var readiness = new AgentReadiness(clock)
        {
            ForgeWindow = AgentReadiness.ForgeWindowFor(pollerOptions.FetchInterval, pollerOptions.FetchTimeout, TimeSpan.FromSeconds(1),
                standby.IsStandby ? standby.DeclareKeepalive : null),
        };
        var observed = new ObservedRunnerService(forge, readiness, AgentMetrics.Unobserved);
        _observed = observed;
        var drain = new DrainSwitch(fleet.Logs.CreateLogger<DrainSwitch>());
        Drain = drain;
        _jobs = new SimulatedJobs(observed, clock, fleet.DurationOf);
        IFetchGate gate = new DrainGate(drain);
        if (standby.IsStandby)
        {
            var metrics = new StandbyMetrics(fleet.Meters);
            var peers = standby.Peers.Select(p => new PeerTracker(p, standby.PeerLostAfter, clock)).ToList();
            Coordinator = new StandbyCoordinator(standby, peers, new ForgeEvidence(configured: forge.ReadsApi), new WaitingJobBook(clock),
                drain, clock, metrics, fleet.Logs.CreateLogger<StandbyCoordinator>());
            gate = Coordinator;
            _loops.Add(new PeerPoller(Coordinator, fleet.Probe, standby, labels, metrics, clock, fleet.Logs.CreateLogger<PeerPoller>()));
            if (forge.ReadsApi)
            {
                _loops.Add(new ForgeWatcher(Coordinator, forge, standby, labels, metrics, clock, fleet.Logs.CreateLogger<ForgeWatcher>()));
            }
        }

        Poller = new TaskPoller(observed, _jobs, pollerOptions, clock, fleet.Logs.CreateLogger<TaskPoller>(), AgentMetrics.Unobserved, gate, drain);
        Status = new PeerStatusSource(runner.Uuid, labels, pollerOptions, standby, Poller, drain, readiness, clock, Coordinator);
        if (standby.IsStandby)
        {
            _loops.Add(new StandbyKeepAlive(observed, Poller, labels, standby, clock, fleet.Logs.CreateLogger<StandbyKeepAlive>()));
        }

        _loops.Insert(0, Poller);
    }

    public string Address { get; }

    public FakeRunner Runner { get; }

    public ForgeLink Forge { get; }

    public DrainSwitch Drain { get; }

    public TaskPoller Poller { get; }

    public PeerStatusSource Status { get; }

    public StandbyCoordinator? Coordinator { get; }

    /// <summary>False once killed: it answers no peer and calls the forge no more.</summary>
    public bool Alive { get; private set; }

    public async Task StartAsync()
    {
        Alive = true;
        // As the daemon does before its loops start (RunnerDeclaration).
        var declare = new KubeRunner.Protocol.Runner.V1.DeclareRequest { Version = "simulated" };
        declare.Labels.AddRange(Runner.Labels);
        await _observed.DeclareAsync(declare, CancellationToken.None);
        foreach (var loop in _loops)
        {
            await loop.StartAsync(_stop.Token);
        }
    }

    /// <summary>kill -9: no peer answer, no forge call, running jobs left running on the forge.</summary>
    public async Task KillAsync()
    {
        Alive = false;
        _jobs.Crashed = true;
        Forge.Cut = true;
        await StopLoopsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Alive)
        {
            await KillAsync();
        }

        _stop.Dispose();
    }

    private async Task StopLoopsAsync()
    {
        foreach (var loop in Enumerable.Reverse(_loops))
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }
}
