using KubeRunner.Agent.Backends.Docker.Spec;
using Microsoft.Extensions.Options;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Semantic checks of <see cref="ContainerOptions"/>: <c>options</c> must use flags the Docker backend
/// applies, so that a typo or a refused flag stops the runner at start, not every job later.
/// </summary>
internal sealed class ContainerOptionsValidator : IValidateOptions<ContainerOptions>
{
    public ValidateOptionsResult Validate(string? name, ContainerOptions options) =>
        DockerRunOptions.ParseOperator(options.Options).Error is { } problem
            ? ValidateOptionsResult.Fail($"container.options: {problem}")
            : ValidateOptionsResult.Success;
}
