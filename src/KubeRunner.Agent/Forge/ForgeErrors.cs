using KubeRunner.Agent.Forge.Connect;

namespace KubeRunner.Agent.Forge;

/// <summary>The one classification of forge errors that every retry loop uses.</summary>
internal static class ForgeErrors
{
    /// <summary>
    /// True when trying the same call again later can succeed: the forge or the path to it is
    /// temporarily unable to answer, or failed inside (Forgejo answers <c>internal</c> for database
    /// errors). False for answers that will not change on their own: a refused token, a wrong
    /// argument, a missing method, archived logs.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ConnectException e => e.Code is ConnectCode.Unavailable or ConnectCode.DeadlineExceeded
            or ConnectCode.ResourceExhausted or ConnectCode.Aborted or ConnectCode.Internal or ConnectCode.Unknown,
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    public static bool Is(Exception exception, ConnectCode code) => exception is ConnectException e && e.Code == code;
}
