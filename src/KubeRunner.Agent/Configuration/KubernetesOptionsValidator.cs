using KubeRunner.Agent.Backends.Kubernetes.Spec;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>Semantic checks of <see cref="KubernetesOptions"/>; profiles are checked as they are read, with their lines.</summary>
internal sealed class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options)
    {
        List<string> failures = [];
        if (!KubernetesNames.IsLabelName(options.Namespace))
        {
            failures.Add($"kubernetes.namespace: '{options.Namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)");
        }

        if (options.AgentAddress.Length > 0
            && (!Uri.TryCreate(options.AgentAddress, UriKind.Absolute, out var agent) || agent.Scheme is not ("http" or "https") || agent.Host.Length == 0))
        {
            failures.Add($"kubernetes.agent_address: '{options.AgentAddress}' is not an http(s) URL; write it as http://host:port, the address job pods dial");
        }

        if (options.Qps <= 0)
        {
            failures.Add($"kubernetes.qps: {options.Qps} is not a positive number of requests per second");
        }

        if (options.Burst < options.Qps)
        {
            failures.Add($"kubernetes.burst: {options.Burst} is below kubernetes.qps ({options.Qps}); set it to at least that");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
