using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;

namespace KubeRunner.Agent.Cli;

/// <summary>Pings an instance until it answers, within a bounded wait, as <c>register</c> needs.</summary>
internal static class InstanceProbe
{
    /// <summary>Default of <c>--wait</c>: long enough for a forge that is still starting next to the runner.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    /// <exception cref="CliException">The instance did not answer in time, or answered as no Forgejo would.</exception>
    public static async Task WaitAsync(ForgeClient forge, Uri instance, string data, TimeSpan wait, CliContext context, CancellationToken cancellationToken)
    {
        var deadline = context.Time.GetUtcNow() + wait;
        var said = false;
        while (true)
        {
            try
            {
                await forge.PingAsync(data, cancellationToken);
                return;
            }
            catch (ConnectException e) when (ForgeErrors.IsTransient(e))
            {
                if (context.Time.GetUtcNow() + Pause >= deadline)
                {
                    throw new CliException(ExitCodes.ForgeUnreachable,
                        $"cannot reach the Forgejo instance {instance} within {wait.TotalSeconds:0}s: {e.Message} (check the URL, or wait longer with --wait)", e);
                }

                if (!said)
                {
                    context.Error.WriteLine($"Waiting for {instance} to answer: {e.Message}");
                    said = true;
                }
            }
            catch (ConnectException e)
            {
                throw new CliException(ExitCodes.ForgeRejected,
                    $"{instance} answered, but not as a Forgejo instance with Actions: {e.Message} (check the URL)", e);
            }

            await Task.Delay(Pause, context.Time, cancellationToken);
        }
    }
}
