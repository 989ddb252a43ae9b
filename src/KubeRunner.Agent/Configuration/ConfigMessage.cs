namespace KubeRunner.Agent.Configuration;

/// <summary>One-line messages in the compiler style operators know: <c>file:line: key: problem</c>.</summary>
internal static class ConfigMessage
{
    public static string Format(string? file, int? line, string? key, string problem)
    {
        var location = file is null ? null : line is null ? file : $"{file}:{line}";
        IEnumerable<string?> parts = [location, key, problem];
        return string.Join(": ", parts.Where(part => !string.IsNullOrEmpty(part)));
    }
}
