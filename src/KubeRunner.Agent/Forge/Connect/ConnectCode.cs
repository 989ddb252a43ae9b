namespace KubeRunner.Agent.Forge.Connect;

/// <summary>Connect (and gRPC) status codes; numeric values are gRPC's.</summary>
internal enum ConnectCode
{
    Canceled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

internal static class ConnectCodes
{
    private static readonly Dictionary<string, ConnectCode> ByName = new(StringComparer.Ordinal)
    {
        ["canceled"] = ConnectCode.Canceled,
        ["unknown"] = ConnectCode.Unknown,
        ["invalid_argument"] = ConnectCode.InvalidArgument,
        ["deadline_exceeded"] = ConnectCode.DeadlineExceeded,
        ["not_found"] = ConnectCode.NotFound,
        ["already_exists"] = ConnectCode.AlreadyExists,
        ["permission_denied"] = ConnectCode.PermissionDenied,
        ["resource_exhausted"] = ConnectCode.ResourceExhausted,
        ["failed_precondition"] = ConnectCode.FailedPrecondition,
        ["aborted"] = ConnectCode.Aborted,
        ["out_of_range"] = ConnectCode.OutOfRange,
        ["unimplemented"] = ConnectCode.Unimplemented,
        ["internal"] = ConnectCode.Internal,
        ["unavailable"] = ConnectCode.Unavailable,
        ["data_loss"] = ConnectCode.DataLoss,
        ["unauthenticated"] = ConnectCode.Unauthenticated,
    };

    public static bool TryParse(string? name, out ConnectCode code)
    {
        if (name is not null && ByName.TryGetValue(name, out code))
        {
            return true;
        }

        code = ConnectCode.Unknown;
        return false;
    }

    public static string ToName(ConnectCode code) =>
        ByName.First(pair => pair.Value == code).Key;

    /// <summary>
    /// The code a Connect client derives when the error body is not a Connect error, typically
    /// because a reverse proxy answered instead of Forgejo (forgejo-protocol.md §1.5).
    /// </summary>
    public static ConnectCode FromHttpStatus(int status) => status switch
    {
        400 => ConnectCode.Internal,
        401 => ConnectCode.Unauthenticated,
        403 => ConnectCode.PermissionDenied,
        404 => ConnectCode.Unimplemented,
        429 or 502 or 503 or 504 => ConnectCode.Unavailable,
        _ => ConnectCode.Unknown,
    };
}
