using System.Runtime.InteropServices;
using KubeRunner.Agent.Scheduling;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// SIGUSR1 drains the daemon and SIGUSR2 resumes it, as <c>kube-runner drain</c> and <c>drain --undo</c>
/// do, for operators with no fleet secret at hand (<c>systemctl kill -s USR1 kube-runner</c>).
/// </summary>
internal static class DrainSignals
{
    // Linux's numbers (x86-64 and arm64 alike); PosixSignal names only the portable signals.
    private const int SigUsr1 = 10;
    private const int SigUsr2 = 12;

    public static IDisposable Register(DrainSwitch drain)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Registrations([]);
        }

        return new Registrations(
        [
            PosixSignalRegistration.Create((PosixSignal)SigUsr1, context => Set(context, drain, draining: true)),
            PosixSignalRegistration.Create((PosixSignal)SigUsr2, context => Set(context, drain, draining: false)),
        ]);
    }

    private static void Set(PosixSignalContext context, DrainSwitch drain, bool draining)
    {
        // Not the default action, which would end the process.
        context.Cancel = true;
        drain.Set(draining);
    }

    private sealed class Registrations(IReadOnlyList<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
