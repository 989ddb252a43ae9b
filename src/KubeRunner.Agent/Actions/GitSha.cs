namespace KubeRunner.Agent.Actions;

/// <summary>Commit ids as text: 40 hex digits (SHA-1 repositories) or 64 (SHA-256 ones).</summary>
internal static class GitSha
{
    /// <summary>True for a complete commit id, which names one commit forever and needs no lookup.</summary>
    public static bool IsFull(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigit);

    /// <summary>True for what looks like an abbreviated commit id (4 or more hex digits, shorter than a full one).</summary>
    public static bool IsAbbreviated(string text) => text.Length is >= 4 and < 64 && !IsFull(text) && text.All(char.IsAsciiHexDigit);
}
