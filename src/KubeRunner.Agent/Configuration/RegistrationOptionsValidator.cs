using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Forge;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>Semantic checks of <see cref="RegistrationOptions"/> and <see cref="HttpOptions"/>.</summary>
internal sealed class RegistrationOptionsValidator : IValidateOptions<RegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options)
    {
        List<string> failures = [];
        if (options.Instance.Length > 0 && ForgeAddress.TryParse(options.Instance, out var problem) is null)
        {
            failures.Add($"registration.instance: {problem}");
        }

        if (options.Instance.Length > 0 && options.TokenFile.Length == 0)
        {
            failures.Add("registration.instance: registering needs registration.token_file too; name the file that holds the registration token");
        }

        if (options.Instance.Length == 0 && (options.TokenFile.Length > 0 || options.Secret.Length > 0))
        {
            var key = options.TokenFile.Length > 0 ? "registration.token_file" : "registration.secret";
            failures.Add($"{key}: needs registration.instance too; set the forge's URL, e.g. https://forge.example");
        }

        if (options.Secret.Length > 0 && !KubernetesNames.IsSubdomain(options.Secret))
        {
            failures.Add($"registration.secret: '{options.Secret}' is not a Secret name (lower-case letters, digits, '-' and '.', at most 253)");
        }

        if (options.Namespace.Length > 0 && !KubernetesNames.IsLabelName(options.Namespace))
        {
            failures.Add($"registration.namespace: '{options.Namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
