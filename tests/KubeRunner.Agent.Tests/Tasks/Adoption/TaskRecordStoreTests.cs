using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Tasks.Adoption;

namespace KubeRunner.Agent.Tests.Tasks.Adoption;

public sealed class TaskRecordStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kube-runner-records-");

    [Fact]
    public void LoadAll_RecordWrittenBeforeBackendsWereRecorded_IsAHostTask()
    {
        var store = new TaskRecordStore(new ExecutorOptions { Socket = Path.Combine(_directory.FullName, "kube-runner.sock") });
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(Path.Combine(store.Directory, "42.json"), """
            {
              "TaskId": 42,
              "TokenHash": "AAAA",
              "BaseRow": 3,
              "StepCount": 2,
              "ExecutorPid": 1234,
              "Directory": "/tmp/work/42",
              "Label": "linux"
            }
            """);

        var (records, problems) = store.LoadAll();

        Assert.Empty(problems);
        var record = Assert.Single(records);
        Assert.Equal("host", record.BackendName);
        Assert.Null(record.ContainerId);
        Assert.Equal(1234, record.ExecutorPid);
    }

    [Fact]
    public void LoadAll_DockerRecordSaved_ComesBackWithItsContainer()
    {
        var store = new TaskRecordStore(new ExecutorOptions { Socket = Path.Combine(_directory.FullName, "kube-runner.sock") });
        var saved = new TaskRecord(7, "AAAA", 3, 2, 0, "", "linux", "docker", "0123456789abcdef");

        store.Save(saved);
        var (records, _) = store.LoadAll();

        Assert.Equal(saved, Assert.Single(records));
        Assert.Equal("docker", records[0].BackendName);
        Assert.DoesNotContain("BackendName", File.ReadAllText(Path.Combine(store.Directory, "7.json")), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
