namespace KubeRunner.Testing.FakeForge;

/// <summary>Connect error codes as they appear in the JSON error body (forgejo-protocol.md §1.5).</summary>
public static class ConnectCode
{
    public const string Canceled = "canceled";
    public const string Unknown = "unknown";
    public const string InvalidArgument = "invalid_argument";
    public const string DeadlineExceeded = "deadline_exceeded";
    public const string NotFound = "not_found";
    public const string AlreadyExists = "already_exists";
    public const string PermissionDenied = "permission_denied";
    public const string ResourceExhausted = "resource_exhausted";
    public const string FailedPrecondition = "failed_precondition";
    public const string Aborted = "aborted";
    public const string OutOfRange = "out_of_range";
    public const string Unimplemented = "unimplemented";
    public const string Internal = "internal";
    public const string Unavailable = "unavailable";
    public const string DataLoss = "data_loss";
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The HTTP status connect-go chooses for a code (§1.5, current mapping).</summary>
    public static int ToHttpStatus(string code) => code switch
    {
        Canceled => 499,
        Unknown => 500,
        InvalidArgument => 400,
        DeadlineExceeded => 504,
        NotFound => 404,
        AlreadyExists => 409,
        PermissionDenied => 403,
        ResourceExhausted => 429,
        FailedPrecondition => 400,
        Aborted => 409,
        OutOfRange => 400,
        Unimplemented => 501,
        Internal => 500,
        Unavailable => 503,
        DataLoss => 500,
        Unauthenticated => 401,
        _ => 500,
    };
}

/// <summary>A Connect error raised by a handler; the endpoint turns it into the JSON error body.</summary>
public sealed class ConnectErrorException : Exception
{
    public ConnectErrorException()
        : this(ConnectCode.Unknown, "unknown error")
    {
    }

    public ConnectErrorException(string message)
        : this(ConnectCode.Unknown, message)
    {
    }

    public ConnectErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ConnectCode.Unknown;
    }

    public ConnectErrorException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }
}
