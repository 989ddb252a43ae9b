using System.CommandLine;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// <c>kube-runner status [--json]</c>: what the running agent of the config says about itself on
/// <c>/standby/v1/status</c>, for an operator: its role and mode, its jobs, and for a standby why it
/// holds back or took over and how it sees each peer.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context, Option<string?> configOption)
    {
        var json = new Option<bool>("--json") { Description = "Print the agent's status document as it answered it" };
        var command = new Command("status", "Show what the running agent of this config is doing: role, mode, jobs and, for a standby, its peers") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ConfigOption.Load(context, parse.GetValue(configOption));
            using var agent = LocalAgentClient.For(config, "status");
            var (status, document) = await agent.SendForStatusAsync(HttpMethod.Get, PeerStatusEndpoint.Path, cancellationToken);
            if (parse.GetValue(json))
            {
                context.Out.Write(document);
                if (!document.EndsWith('\n'))
                {
                    context.Out.WriteLine();
                }
            }
            else
            {
                foreach (var line in Describe(status))
                {
                    context.Out.WriteLine(line);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The human summary, one line per fact.</summary>
    public static IEnumerable<string> Describe(PeerStatus status)
    {
        yield return $"runner:     {status.RunnerUuid}";
        yield return $"role:       {(status.Priority == 0 ? "primary" : $"standby, priority {status.Priority}")}";
        var view = status.Standby;
        var since = view is null ? "" : $", for {Age(view.SinceModeChangeMs)}: {view.ModeReason}";
        yield return $"mode:       {status.Mode}{since}";
        yield return $"accepting:  {(status.Accepting ? "yes, takes new jobs" : "no, takes no new job")}";
        yield return $"jobs:       {status.Busy}/{status.Capacity} busy";
        var fetch = status.SinceLastFetchOkMs is { } ms ? $"last fetch answered {Age(ms)} ago" : "no fetch answered yet";
        yield return $"forge:      {(status.ForgeOk ? "ok" : "not answering")}; {fetch}";
        var labels = status.Labels ?? [];
        yield return $"labels:     {(labels.Count == 0 ? "none" : string.Join(", ", labels))}";
        if (view is null)
        {
            yield break;
        }

        yield return $"grace now:  {(view.GraceMs is { } grace ? $"{Age(grace)} (a waiting job older than this is claimed)" : "none (takes jobs as a primary, or drained)")}";
        yield return $"forge API:  {view.ForgeApi}";
        var oldest = view.OldestWaitingMs is { } wait ? $", the oldest seen for {Age(wait)}" : "";
        yield return $"waiting:    {view.WaitingJobs} job(s){oldest}";
        yield return $"claims:     {view.Claims} since start";
        foreach (var peer in view.Peers ?? [])
        {
            var answer = peer.SinceAnswerMs is { } answered ? $"answered {Age(answered)} ago" : "never answered";
            var forge = peer.ForgeStatus is { } forgeStatus ? $"forge says {forgeStatus}" : "forge status unknown";
            yield return $"peer {peer.Address}: {peer.State} ({peer.Evidence}); {peer.Misses} missed read(s), {answer}; {forge}";
        }
    }

    /// <summary>Milliseconds as Go writes durations, to the second above one (12s, 3m4s), else in ms.</summary>
    public static string Age(long milliseconds) => milliseconds < 1000
        ? GoDuration.Format(TimeSpan.FromMilliseconds(Math.Max(0, milliseconds)))
        : GoDuration.Format(TimeSpan.FromSeconds(milliseconds / 1000));
}
