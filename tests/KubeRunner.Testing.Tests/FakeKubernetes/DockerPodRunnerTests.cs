using k8s;
using k8s.Models;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeKubernetes;
using KubeRunner.Testing.FakeKubernetes.Docker;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

/// <summary>
/// Pods of Jobs created through the real client run for real in Docker: init containers, shared
/// volumes and localhost, secrets, limits, exit codes and OOM come back as Kubernetes statuses.
/// </summary>
public sealed class DockerPodRunnerTests : IAsyncLifetime
{
    private const string Ns = "ci";
    private DockerPodRunner _runner = null!;
    private FakeKubeApiServer _fake = null!;
    private Kubernetes _client = null!;
    private string _busybox = "";

    public async Task InitializeAsync()
    {
        // Fails (never skips) when Docker is unusable, with the reason.
        _runner = await DockerPodRunner.StartAsync();
        _busybox = await TestImages.EnsureAsync(TestImage.Busybox);
        _fake = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { PodRunner = _runner });
        _client = _fake.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
        await _runner.DisposeAsync();
    }

    [Fact]
    public async Task PodCreated_InitWritesEmptyDir_MainPrintsItAndJobCompletes()
    {
        var spec = NewJob(Shell("job", "echo main sees: $(cat /work/greeting)", Mount("work", "/work")));
        spec.Spec.Template.Spec.InitContainers = [Shell("inject", "echo hello-from-init > /work/greeting; echo init done", Mount("work", "/work"))];
        spec.Spec.Template.Spec.Volumes = [new V1Volume { Name = "work", EmptyDir = new V1EmptyDirVolumeSource() }];

        var (job, pod) = await RunToEndAsync(spec);

        Assert.Contains(job.Status.Conditions, c => c is { Type: "Complete", Status: "True" });
        Assert.Equal("Succeeded", pod.Status.Phase);
        var init = Assert.Single(pod.Status.InitContainerStatuses).State.Terminated;
        Assert.Equal((0, "Completed"), (init.ExitCode, init.Reason));
        var main = Assert.Single(pod.Status.ContainerStatuses).State.Terminated;
        Assert.Equal((0, "Completed"), (main.ExitCode, main.Reason));
        Assert.Equal("main sees: hello-from-init\n", await LogAsync(pod, "job"));
        Assert.Equal("init done\n", await LogAsync(pod, "inject"));
    }

    [Fact]
    public async Task PodCreated_ExecutorImageInitContainer_InjectsExecutorThatRunsInJobImage()
    {
        var executorImage = await ExecutorImage.EnsureAsync();
        var spec = NewJob(new V1Container
        {
            Name = "job", Image = _busybox, Command = [ExecutorBundle.ContainerExecutable, "--version"],
            VolumeMounts = [Mount("executor", ExecutorBundle.MountPath)],
        });
        spec.Spec.Template.Spec.InitContainers =
        [
            new V1Container { Name = "inject", Image = executorImage, Command = [.. ExecutorImage.CopyCommand], VolumeMounts = [Mount("executor", ExecutorBundle.MountPath)] },
        ];
        spec.Spec.Template.Spec.Volumes = [new V1Volume { Name = "executor", EmptyDir = new V1EmptyDirVolumeSource() }];

        var (job, pod) = await RunToEndAsync(spec);

        Assert.StartsWith("kube-runner-executor ", await LogAsync(pod, "job"), StringComparison.Ordinal);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete");
    }

    [Fact]
    public async Task PodCreated_SecretKeyRefAndSecretVolume_MainReadsValueAndFileWithMode0400()
    {
        await _client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "task-token" },
            Data = new Dictionary<string, byte[]> { ["token"] = "s3cr3t-token"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["address"] = "http://agent:8080" },
        }, Ns);
        var main = Shell("job", "echo \"env=$AGENT\"; stat -c '%a %u' /var/run/kr/auth/token; cat /var/run/kr/auth/token; echo; ls /var/run/kr",
            Mount("token", "/var/run/kr"));
        main.Env = [new V1EnvVar { Name = "AGENT", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "task-token", Key = "address" } } }];
        var spec = NewJob(main);
        spec.Spec.Template.Spec.Volumes =
        [
            new V1Volume
            {
                Name = "token",
                Secret = new V1SecretVolumeSource { SecretName = "task-token", DefaultMode = 256, Items = [new V1KeyToPath { Key = "token", Path = "auth/token" }] },
            },
        ];

        var (job, pod) = await RunToEndAsync(spec);

        Assert.Equal("env=http://agent:8080\n400 0\ns3cr3t-token\nauth\n", await LogAsync(pod, "job"));
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete");
    }

    [Fact]
    public async Task PodCreated_MainExitsNonZero_PodAndJobFailWithExitCode()
    {
        var (job, pod) = await RunToEndAsync(NewJob(Shell("job", "echo failing; exit 3")));

        Assert.Equal("Failed", pod.Status.Phase);
        var terminated = Assert.Single(pod.Status.ContainerStatuses).State.Terminated;
        Assert.Equal((3, "Error"), (terminated.ExitCode, terminated.Reason));
        Assert.Contains(job.Status.Conditions, c => c is { Type: "Failed", Reason: "BackoffLimitExceeded" });
        Assert.Equal("failing\n", await LogAsync(pod, "job"));
    }

    [Fact]
    public async Task PodCreated_InitContainerFails_PodFailsUninitializedAndMainNeverStarts()
    {
        var spec = NewJob(Shell("job", "echo must not run"));
        spec.Spec.Template.Spec.InitContainers = [Shell("inject", "exit 2")];

        var (job, pod) = await RunToEndAsync(spec);

        Assert.Equal("Failed", pod.Status.Phase);
        var init = Assert.Single(pod.Status.InitContainerStatuses).State.Terminated;
        Assert.Equal((2, "Error"), (init.ExitCode, init.Reason));
        Assert.Contains(pod.Status.Conditions, c => c is { Type: "Initialized", Status: "False", Reason: "ContainersNotInitialized" });
        Assert.Equal("PodInitializing", Assert.Single(pod.Status.ContainerStatuses).State.Waiting?.Reason);
        Assert.Equal("", await LogAsync(pod, "job"));
        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed");
    }

    [Fact]
    public async Task PodCreated_MemoryHogOverLimit_ContainerOOMKilled()
    {
        var hog = Shell("job", "head -c 200m /dev/zero | tail");
        hog.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Mi"), ["cpu"] = new("500m") } };

        var (job, pod) = await RunToEndAsync(NewJob(hog));

        var terminated = Assert.Single(pod.Status.ContainerStatuses).State.Terminated;
        Assert.Equal((137, "OOMKilled"), (terminated.ExitCode, terminated.Reason));
        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed");
    }

    [Fact]
    public async Task PodCreated_NativeSidecar_MainReachesItOnLocalhostAndSidecarStopsAfterwards()
    {
        var sidecar = Shell("service", "mkdir -p /www && echo hello-from-sidecar > /www/index.html && exec httpd -f -p 8080 -h /www");
        sidecar.RestartPolicy = "Always";
        // The sidecar is started, not waited for: the main container retries until it listens.
        var spec = NewJob(Shell("job", "for i in $(seq 100); do wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.1; done; exit 1"));
        spec.Spec.Template.Spec.InitContainers = [sidecar];
        // httpd as PID 1 ignores SIGTERM: the grace period bounds how long stopping it takes.
        spec.Spec.Template.Spec.TerminationGracePeriodSeconds = 1;

        var (job, pod) = await RunToEndAsync(spec);

        Assert.Equal("hello-from-sidecar\n", await LogAsync(pod, "job"));
        Assert.Equal("Succeeded", pod.Status.Phase);
        Assert.NotNull(Assert.Single(pod.Status.InitContainerStatuses).State.Terminated);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete");
    }

    [Fact]
    public async Task PodCreated_ImageMissing_ErrImagePullThenBackOffNamingImageAndPodPending()
    {
        const string image = "registry.example/missing/image:1.0";
        var spec = NewJob(new V1Container { Name = "job", Image = image, Command = ["/bin/true"] });
        var job = await _client.BatchV1.CreateNamespacedJobAsync(spec, Ns);

        var reasons = new List<string>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (var (_, pod) in _client.CoreV1.WatchListNamespacedPodAsync(Ns, resourceVersion: job.Metadata.ResourceVersion, cancellationToken: timeout.Token))
        {
            if (pod.Status.ContainerStatuses?.SingleOrDefault()?.State.Waiting is { Reason: "ErrImagePull" or "ImagePullBackOff" } waiting)
            {
                Assert.Contains($"\"{image}\"", waiting.Message, StringComparison.Ordinal);
                Assert.Equal("Pending", pod.Status.Phase);
                reasons.Add(waiting.Reason);
                if (waiting.Reason == "ImagePullBackOff")
                {
                    break;
                }
            }
        }

        Assert.Equal(["ErrImagePull", "ImagePullBackOff"], reasons);
        var events = await _client.CoreV1.ListNamespacedEventAsync(Ns);
        Assert.Contains(events.Items, e => e.Reason == "Failed" && e.Message.Contains(image, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PodCreated_SecretOfEnvMissing_CreateContainerConfigErrorAndPodPending()
    {
        var main = Shell("job", "true");
        main.Env = [new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "absent", Key = "token" } } }];
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(main), Ns);

        var pod = await WaitForPodAsync(job, p => p.Status.ContainerStatuses?.SingleOrDefault()?.State.Waiting?.Reason == "CreateContainerConfigError");

        Assert.Equal("secret \"absent\" not found", pod.Status.ContainerStatuses.Single().State.Waiting.Message);
        Assert.Equal("Pending", pod.Status.Phase);
    }

    [Fact]
    public async Task PodCreated_VolumeKindNotEmulated_PodAndJobFailNamingIt()
    {
        var spec = NewJob(Shell("job", "true", Mount("host", "/host")));
        spec.Spec.Template.Spec.Volumes = [new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/" } }];

        var (job, pod) = await RunToEndAsync(spec);

        Assert.Equal(("Failed", "DockerPodRunnerUnsupported"), (pod.Status.Phase, pod.Status.Reason));
        Assert.Contains("volume host", pod.Status.Message, StringComparison.Ordinal);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed");
    }

    [Fact]
    public async Task PodDeleted_JobDeletedWithBackgroundPropagation_ContainersAndVolumesRemoved()
    {
        var spec = NewJob(Shell("job", "sleep 300", Mount("work", "/work")));
        spec.Spec.Template.Spec.Volumes = [new V1Volume { Name = "work", EmptyDir = new V1EmptyDirVolumeSource() }];
        var job = await _client.BatchV1.CreateNamespacedJobAsync(spec, Ns);
        var pod = await WaitForPodAsync(job, p => p.Status.Phase == "Running");
        var label = DockerPodRunner.PodLabel(pod.Metadata.Uid);
        Assert.Equal(2, (await DockerPodRunner.ContainersAsync(label)).Count); // sandbox and job
        Assert.Single(await DockerPodRunner.VolumesAsync(label));

        await _client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, Ns, new V1DeleteOptions { PropagationPolicy = "Background" });

        await WaitUntilAsync(async () => (await DockerPodRunner.ContainersAsync(label)).Count == 0 && (await DockerPodRunner.VolumesAsync(label)).Count == 0);
        Assert.Null(_fake.GetPod(Ns, pod.Metadata.Name));
    }

    [Fact]
    public async Task DisposeAsync_PodStillRunning_RemovesEverythingOfTheRunner()
    {
        var job = await _client.BatchV1.CreateNamespacedJobAsync(NewJob(Shell("job", "sleep 300")), Ns);
        await WaitForPodAsync(job, p => p.Status.Phase == "Running");
        Assert.NotEmpty(await DockerPodRunner.ContainersAsync(_runner.InstanceLabel));

        await _runner.DisposeAsync();

        Assert.Empty(await DockerPodRunner.ContainersAsync(_runner.InstanceLabel));
        Assert.Empty(await DockerPodRunner.VolumesAsync(_runner.InstanceLabel));
    }

    private V1Container Shell(string name, string script, params V1VolumeMount[] mounts) =>
        new() { Name = name, Image = _busybox, Command = ["/bin/sh", "-c"], Args = [script], VolumeMounts = mounts.Length == 0 ? null : mounts };

    private static V1VolumeMount Mount(string volume, string path) => new() { Name = volume, MountPath = path };

    private static V1Job NewJob(V1Container main)
    {
        var job = FakeKubeTestJobs.NewJob();
        job.Spec.Template.Spec.Containers = [main];
        return job;
    }

    /// <summary>Creates the Job and waits until the Job controller settled it; answers the Job and its pod as the client reads them.</summary>
    private async Task<(V1Job Job, V1Pod Pod)> RunToEndAsync(V1Job spec)
    {
        var created = await _client.BatchV1.CreateNamespacedJobAsync(spec, Ns);
        V1Job? job = null;
        await WaitUntilAsync(async () =>
        {
            job = await _client.BatchV1.ReadNamespacedJobAsync(created.Metadata.Name, Ns);
            return job.Status.Conditions?.Any(c => c.Type is "Complete" or "Failed") == true;
        });
        var podName = _fake.PodsOfJob(Ns, created.Metadata.Name).Single().Metadata.Name;
        return (job!, await _client.CoreV1.ReadNamespacedPodAsync(podName, Ns));
    }

    private async Task<V1Pod> WaitForPodAsync(V1Job job, Func<V1Pod, bool> condition)
    {
        V1Pod? pod = null;
        await WaitUntilAsync(async () =>
        {
            var name = _fake.PodsOfJob(Ns, job.Metadata.Name).Single().Metadata.Name;
            pod = await _client.CoreV1.ReadNamespacedPodAsync(name, Ns);
            return condition(pod);
        });
        return pod!;
    }

    private async Task<string> LogAsync(V1Pod pod, string container)
    {
        using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, container);
        return await new StreamReader(stream).ReadToEndAsync();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; failing after the generous default bound.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {TestTimeouts.Default}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
