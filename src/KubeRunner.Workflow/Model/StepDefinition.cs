using System.Globalization;

namespace KubeRunner.Workflow.Model;

/// <summary>One step of a job; <see cref="Index"/> counts from 0 as Forgejo's step rows do.</summary>
public sealed record StepDefinition
{
    public int Index { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? If { get; init; }

    public string? Run { get; init; }

    public string? Uses { get; init; }

    public string? Shell { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> With { get; init; } = [];

    public string? ContinueOnError { get; init; }

    public string? TimeoutMinutes { get; init; }

    public int Line { get; init; }

    /// <summary>
    /// The id under which <c>steps.&lt;id&gt;</c> finds this step: forgejo-runner gives a step without
    /// an id its index as id.
    /// </summary>
    public string EffectiveId => string.IsNullOrEmpty(Id) ? Index.ToString(CultureInfo.InvariantCulture) : Id;

    /// <summary>
    /// The step's name as Forgejo shows it: name, else uses, else the whole run text, else the id
    /// (the server names its step rows the same way, so the two must agree).
    /// </summary>
    public string DisplayName =>
        !string.IsNullOrEmpty(Name) ? Name
        : !string.IsNullOrEmpty(Uses) ? Uses
        : !string.IsNullOrEmpty(Run) ? Run
        : EffectiveId;
}
