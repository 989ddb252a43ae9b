using KubeRunner.Agent.Backends.Docker.Spec;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>Semantic checks of <see cref="DockerOptions"/>; failures read <c>key: problem</c> like the other validators'.</summary>
/// <param name="executorListen">executor.listen, which the ways of reaching the agent over TCP need.</param>
internal sealed class DockerOptionsValidator(string executorListen) : IValidateOptions<DockerOptions>
{
    public ValidateOptionsResult Validate(string? name, DockerOptions options)
    {
        List<string> failures = [];
        if (options.Pull is not (DockerOptions.PullMissing or DockerOptions.PullAlways))
        {
            failures.Add($"docker.pull: '{options.Pull}' is not a pull policy (use {DockerOptions.PullMissing} or {DockerOptions.PullAlways})");
        }

        if (!Uri.TryCreate(options.Host, UriKind.Absolute, out var host) || host.Scheme is not ("unix" or "tcp" or "http" or "https"))
        {
            failures.Add($"docker.host: '{options.Host}' is not a Docker address (use unix:///path/docker.sock or tcp://host:port)");
        }

        if (Backends.Docker.AgentReach.Problem(options.Agent, executorListen) is { } reach)
        {
            failures.Add(reach);
        }

        foreach (var (label, profile) in options.Profiles)
        {
            if (DockerRunOptions.ParseOperator(profile.Options).Error is { } problem)
            {
                failures.Add($"docker.profiles.{label}.options: {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
