namespace KubeRunner.Agent.Configuration;

/// <summary>
/// An operator mistake in the configuration (config.yaml, env_file, environment variables).
/// The CLI catches this one type and exits with code 3; <see cref="Exception.Message"/> is the
/// complete one-line message, e.g. <c>config.yaml:12: runner.capacity: 'many' is not a whole number</c>.
/// </summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? File { get; private init; }

    public int? Line { get; private init; }

    public string? Key { get; private init; }

    /// <summary>Builds the exception with its location; parts that are null are left out of the message.</summary>
    public static ConfigException At(string? file, int? line, string? key, string problem, Exception? innerException = null)
    {
        var message = ConfigMessage.Format(file, line, key, problem);
        return innerException is null
            ? new ConfigException(message) { File = file, Line = line, Key = key }
            : new ConfigException(message, innerException) { File = file, Line = line, Key = key };
    }
}
