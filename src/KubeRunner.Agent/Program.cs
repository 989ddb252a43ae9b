using System.Runtime.InteropServices;
using KubeRunner.Agent.Cli;

// SIGINT and SIGTERM ask for a graceful stop (the daemon lets running tasks finish within
// runner.shutdown_timeout); a second one stops at once.
using var stop = new CancellationTokenSource();
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    if (Interlocked.Increment(ref signals) > 1)
    {
        Environment.Exit(ExitCodes.Interrupted);
    }

    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
return await KubeRunnerCli.InvokeAsync(args, CliContext.FromProcess(), stop.Token);
