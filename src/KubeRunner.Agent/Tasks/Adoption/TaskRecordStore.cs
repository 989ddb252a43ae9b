using System.Globalization;
using System.Text.Json;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// The records of running host tasks, one file each, next to the executor socket (so that the agent
/// which binds that socket next is the one that finds them). Written with mode 0600.
/// </summary>
internal sealed class TaskRecordStore(ExecutorOptions options)
{
    public string Directory { get; } = Path.Combine(Path.GetDirectoryName(options.Socket)!, "kube-runner-tasks");

    public void Save(TaskRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.Write(PathOf(record.TaskId), JsonSerializer.SerializeToUtf8Bytes(record, TaskRecordJson.Default.TaskRecord),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Removes a task's record; there may be none (the task ended before its rows had a place).</summary>
    public void Delete(long taskId)
    {
        if (System.IO.Directory.Exists(Directory))
        {
            File.Delete(PathOf(taskId));
        }
    }

    /// <summary>Every readable record; unreadable ones are returned as problems (and left for the operator).</summary>
    public (List<TaskRecord> Records, List<string> Problems) LoadAll()
    {
        var records = new List<TaskRecord>();
        var problems = new List<string>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return (records, problems);
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllText(file), TaskRecordJson.Default.TaskRecord) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                problems.Add($"{file}: {e.Message}");
            }
        }

        return (records, problems);
    }

    private string PathOf(long taskId) => Path.Combine(Directory, taskId.ToString(CultureInfo.InvariantCulture) + ".json");
}
