namespace KubeRunner.Agent.Reporting;

/// <summary>Doubling delays with jitter, for retries of the closing reports.</summary>
internal static class RetryBackoff
{
    /// <param name="attempt">1 for the delay after the first failure.</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max)
    {
        var doubling = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        if (max > TimeSpan.Zero)
        {
            doubling = Math.Min(doubling, max.TotalMilliseconds);
        }

        // Spread retries of many tasks after a forge outage; never below half the nominal delay.
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        var jittered = doubling * (0.5 + (Random.Shared.NextDouble() * 0.5));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(jittered);
    }
}
