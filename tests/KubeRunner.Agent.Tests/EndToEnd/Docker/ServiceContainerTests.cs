using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

public sealed class ServiceContainerTests
{
    [Fact]
    public async Task Job_ServiceWithHealthCheck_IsReachedByItsAliasOnceHealthy()
    {
        var busybox = await TestImages.EnsureAsync(TestImage.Busybox);
        var runner = await DockerRunner.StartAsync(TestImage.Debian);
        FakeTask task;
        await using (runner)
        {
            // The page is written at start: the health check fails until httpd serves it.
            task = await runner.RunAsync($$$"""
                on: push
                jobs:
                  build:
                    runs-on: linux
                    services:
                      Web:
                        image: {{{busybox}}}
                        env:
                          GREETING: ${{ vars.GREETING }}
                        cmd: [sh, -c, 'mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www']
                        options: --health-cmd "wget -q -O /dev/null http://127.0.0.1:8080/" --health-interval 1s
                    steps:
                      - shell: bash
                        run: |
                          exec 3<>/dev/tcp/web/8080
                          printf 'GET / HTTP/1.0\r\nHost: web\r\n\r\n' >&3
                          tail -n 1 <&3
                """, vars: new Dictionary<string, string> { ["GREETING"] = "hello from the service" });
        }

        Assert.True(task.Result == Result.Success, runner.Explain(task));
        Assert.Equal(["hello from the service"], task.StepRows(0));
        var rows = task.Rows();
        Assert.Contains($"Starting service Web ({busybox})…", rows);
        Assert.Contains("Service Web is healthy", rows);
        Assert.Contains("Service Web is reached as web (network aliases are lower case, with letters, digits and -)", rows);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_ServiceThatExits_FailsNamingServiceImageAndItsLastOutput()
    {
        var busybox = await TestImages.EnsureAsync(TestImage.Busybox);
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        FakeTask task;
        await using (runner)
        {
            task = await runner.RunAsync($$$"""
                on: push
                jobs:
                  build:
                    runs-on: linux
                    services:
                      db:
                        image: {{{busybox}}}
                        cmd: [sh, -c, 'echo "db cannot start"; exit 3']
                    steps:
                      - run: echo never
                """);
        }

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains($"Service db ({busybox}) exited with code 3. Its last output: db cannot start", task.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("never", task.Text(), StringComparison.Ordinal);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }
}
