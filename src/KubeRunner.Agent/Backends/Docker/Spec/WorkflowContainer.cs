using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>Registry credentials for one image; never logged, never part of a container's configuration.</summary>
internal sealed record RegistryCredentials(string Username, string Password);

/// <summary>A job's <c>container:</c> or one entry of <c>services:</c>, with its expressions evaluated.</summary>
/// <param name="ServiceId">The service's id as written, or null for the job container.</param>
internal sealed record WorkflowContainer(
    string? ServiceId,
    string? Image,
    IReadOnlyList<KeyValuePair<string, string>> Env,
    string Options,
    IReadOnlyList<string> Volumes,
    IReadOnlyList<string> Ports,
    string? Network,
    IReadOnlyList<string> Cmd,
    RegistryCredentials? Credentials)
{
    public static readonly WorkflowContainer None = new(null, null, [], "", [], [], null, [], null);

    /// <summary>How messages name it: <c>the job container</c> or <c>service 'db'</c>.</summary>
    public string Subject => ServiceId is null ? "the job container" : $"service '{ServiceId}'";

    /// <summary>Evaluates every value of <paramref name="definition"/>.</summary>
    /// <exception cref="ContainerSpecException">An expression fails, or credentials are half given; the message names the line.</exception>
    public static WorkflowContainer Evaluate(string? serviceId, ContainerDefinition definition, ExpressionContext context)
    {
        var where = serviceId is null ? "the job's container" : $"service '{serviceId}'";
        try
        {
            string? Eval(string? text) => text is null ? null : Template.Interpolate(text, context).Trim();
            List<string> EvalAll(IEnumerable<string> texts) => [.. texts.Select(t => Template.Interpolate(t, context))];
            RegistryCredentials? credentials = null;
            if (definition.Credentials is { } given)
            {
                var (username, password) = (Eval(given.Username) ?? "", Eval(given.Password) ?? "");
                if (username.Length == 0 || password.Length == 0)
                {
                    throw new ContainerSpecException($"line {definition.Line}: the credentials of {where} need both username and password");
                }

                credentials = new RegistryCredentials(username, password);
            }

            return new WorkflowContainer(
                serviceId,
                Eval(definition.Image) is { Length: > 0 } image ? image : null,
                [.. definition.Env.Select(e => new KeyValuePair<string, string>(e.Key, Template.Interpolate(e.Value, context)))],
                Eval(definition.Options) ?? "",
                EvalAll(definition.Volumes),
                EvalAll(definition.Ports),
                Eval(definition.Network) is { Length: > 0 } network ? network : null,
                EvalAll(definition.Cmd),
                credentials);
        }
        catch (ExpressionException e)
        {
            throw new ContainerSpecException($"line {definition.Line}: an expression in {where} failed: {e.Message}", e);
        }
    }
}

/// <summary>A <c>container:</c> or <c>services:</c> value this runner cannot use; the message is the task's closing line.</summary>
internal sealed class ContainerSpecException : Exception
{
    public ContainerSpecException()
    {
    }

    public ContainerSpecException(string message)
        : base(message)
    {
    }

    public ContainerSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
