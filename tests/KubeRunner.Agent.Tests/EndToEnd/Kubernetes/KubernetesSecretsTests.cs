using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>A task's secrets never reach a Kubernetes object, whatever the workflow does with them.</summary>
public sealed class KubernetesSecretsTests
{
    private static readonly Dictionary<string, string> Secrets = new() { ["REGISTRY_PASSWORD"] = "s3cret-registry-pass", ["TOKEN"] = "s3cret-token-value" };

    [Fact]
    public async Task Job_SecretInTheContainersEnv_FailsBeforeAnyObjectIsCreated()
    {
        await using var kube = await FakeKubeApiServer.StartAsync();
        await using var runner = await KubernetesRunner.StartAsync(kube, "      image: debian:bookworm\n      executor_image: kube-runner-executor:1\n");

        var task = await runner.RunAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  image: debian:bookworm
                  env:
                    API_TOKEN: ${{ secrets.TOKEN }}
                steps:
                  - run: echo never
            """, Secrets);

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains("the job container: env API_TOKEN holds a secret, and secrets are never put into Kubernetes objects; pass it in a step's env instead",
            task.LogRows.Select(r => r.Content));
        Assert.Equal(0, kube.Requests.Count("create", "secrets") + kube.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task Job_ContainerCredentials_AreNotUsedAndTheLogSaysSoAndNoObjectHoldsThem()
    {
        await using var kube = await FakeKubeApiServer.StartAsync();
        await using var runner = await KubernetesRunner.StartAsync(kube, "      image: debian:bookworm\n      executor_image: kube-runner-executor:1\n");
        var job = runner.Enqueue("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  image: registry.example/private/tools:1
                  credentials:
                    username: ci
                    password: ${{ secrets.REGISTRY_PASSWORD }}
                steps:
                  - run: echo never
            """, Secrets);
        var running = await runner.Forge.WaitForTaskAsync(t => t.JobId == job
            && t.LogRows.Any(r => r.Content.StartsWith("Running the job as Kubernetes Job", StringComparison.Ordinal)), TestTimeouts.Scenario);

        Assert.Contains("The credentials of the job container are not used on Kubernetes: the images are pulled with the image_pull_secrets of profile 'linux'",
            running.LogRows.Select(r => r.Content));
        var objects = string.Join("\n", kube.Requests.All.Select(r => r.Path)) + KubeJson(kube, KubernetesRunner.JobName(runner.RunnerUuid, running.Id));
        Assert.DoesNotContain("s3cret", objects, StringComparison.Ordinal);
        runner.Forge.CancelTask(running.Id);
        Assert.Equal(Result.Cancelled, (await runner.WaitDoneAsync(job)).Result);
    }

    private static string KubeJson(FakeKubeApiServer kube, string name) => k8s.KubernetesJson.Serialize(kube.GetJob(KubernetesRunner.Namespace, name)) + k8s.KubernetesJson.Serialize(kube.GetSecret(KubernetesRunner.Namespace, name))
            + string.Join("", kube.PodsOfJob(KubernetesRunner.Namespace, name).Select(p => k8s.KubernetesJson.Serialize(p)));
}
