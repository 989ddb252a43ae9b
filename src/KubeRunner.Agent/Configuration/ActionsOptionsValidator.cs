using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>Semantic checks of <see cref="ActionsOptions"/>; failures read <c>key: problem</c> like the other validators'.</summary>
internal sealed class ActionsOptionsValidator : IValidateOptions<ActionsOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionsOptions options)
    {
        List<string> failures = [];
        // Zero has a meaning here (resolve every time), so unlike the timeouts it is not "unset".
        RunnerOptionsValidator.NotNegative("actions.resolve_ttl", options.ResolveTtl, "0 resolves tags and branches every time", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
