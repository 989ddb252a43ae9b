namespace KubeRunner.Agent.Labels;

/// <summary>A label that does not follow <c>name[:scheme[:argument]]</c>; the message is one line for the operator.</summary>
internal sealed class LabelException : Exception
{
    public LabelException(string message)
        : base(message)
    {
    }
}
