namespace KubeRunner.Agent.Forge.Connect;

/// <summary>
/// A failed Connect call: either the server's error (code and message from its JSON body, or derived
/// from the HTTP status when something else answered) or a transport failure mapped to a code.
/// </summary>
internal sealed class ConnectException : Exception
{
    public ConnectException(string procedure, ConnectCode code, string message, int? httpStatus = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Procedure = procedure;
        Code = code;
        HttpStatus = httpStatus;
    }

    /// <summary>The procedure that failed, e.g. <c>runner.v1.RunnerService/FetchTask</c>.</summary>
    public string Procedure { get; }

    public ConnectCode Code { get; }

    /// <summary>The HTTP status the server answered with; null when no answer arrived.</summary>
    public int? HttpStatus { get; }

    public override string ToString() => $"{Procedure}: {ConnectCodes.ToName(Code)}: {Message}";
}
