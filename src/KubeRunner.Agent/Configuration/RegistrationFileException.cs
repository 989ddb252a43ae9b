namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>.runner</c> file is missing, unreadable or malformed; the message is one line naming the path.</summary>
internal sealed class RegistrationFileException : Exception
{
    public RegistrationFileException(string message)
        : base(message)
    {
    }

    public RegistrationFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
