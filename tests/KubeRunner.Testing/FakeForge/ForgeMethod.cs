namespace KubeRunner.Testing.FakeForge;

/// <summary>The procedures the fake forge serves (forgejo-protocol.md §1.1).</summary>
public enum ForgeMethod
{
    Ping,
    Register,
    Declare,
    FetchTask,
    UpdateTask,
    UpdateLog,
}

internal static class ForgeProcedures
{
    private static readonly Dictionary<string, ForgeMethod> ByPath = new(StringComparer.Ordinal)
    {
        ["ping.v1.PingService/Ping"] = ForgeMethod.Ping,
        ["runner.v1.RunnerService/Register"] = ForgeMethod.Register,
        ["runner.v1.RunnerService/Declare"] = ForgeMethod.Declare,
        ["runner.v1.RunnerService/FetchTask"] = ForgeMethod.FetchTask,
        ["runner.v1.RunnerService/UpdateTask"] = ForgeMethod.UpdateTask,
        ["runner.v1.RunnerService/UpdateLog"] = ForgeMethod.UpdateLog,
    };

    public static bool TryFind(string procedure, out ForgeMethod method) => ByPath.TryGetValue(procedure, out method);

    /// <summary>The Connect procedure name, e.g. <c>runner.v1.RunnerService.Declare</c>, as used in error messages.</summary>
    public static string QualifiedName(ForgeMethod method) => method == ForgeMethod.Ping
        ? "ping.v1.PingService.Ping"
        : "runner.v1.RunnerService." + method;
}
