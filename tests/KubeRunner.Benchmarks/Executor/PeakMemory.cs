using System.Globalization;
using System.Text.Json;
using KubeRunner.Agent.Tasks.Adoption;

namespace KubeRunner.Benchmarks.Executor;

/// <summary>
/// The peak resident memory (the kernel's VmHWM) of the executor of the next task the daemon
/// starts: its pid comes from the daemon's task record, and /proc is read until the process is gone.
/// </summary>
internal static class PeakMemory
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    /// <summary>Samples until <paramref name="done"/> completes; returns the highest VmHWM seen, in bytes.</summary>
    /// <remarks>The daemon runs one task at a time here and removes each record when its task ends.</remarks>
    public static async Task<long> OfNextExecutorAsync(string taskRecords, Task done)
    {
        long peak = 0;
        while (!done.IsCompleted)
        {
            foreach (var pid in Pids(taskRecords))
            {
                peak = Math.Max(peak, Read(pid) ?? 0);
            }

            await Task.Delay(Period);
        }

        return peak > 0 ? peak : throw new InvalidOperationException("the executor's memory could not be read from /proc");
    }

    private static IEnumerable<int> Pids(string taskRecords)
    {
        if (!Directory.Exists(taskRecords))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(taskRecords, "*.json"))
        {
            TaskRecord? record = null;
            try
            {
                record = JsonSerializer.Deserialize(File.ReadAllText(file), TaskRecordJson.Default.TaskRecord);
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // Removed between the listing and the read: its task has ended.
            }

            if (record is not null)
            {
                yield return record.ExecutorPid;
            }
        }
    }

    private static long? Read(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        // Gone, or a zombie (no memory lines any more).
        return null;
    }
}
