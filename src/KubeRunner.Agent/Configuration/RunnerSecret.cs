using System.Buffers;
using System.Text;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The shared secret of offline registration (<c>create-runner-file --secret</c>, matching Forgejo's
/// <c>forgejo-cli actions register --secret</c>): 40 hexadecimal characters; the secret is the runner
/// token and its first 16 characters make the runner UUID.
/// </summary>
internal static class RunnerSecret
{
    public const int Length = 40;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Null when <paramref name="secret"/> is usable, otherwise a one-line explanation.</summary>
    public static string? Validate(string secret)
    {
        if (secret.Length != Length)
        {
            return $"the secret must be exactly {Length} hexadecimal characters, not {secret.Length}";
        }

        var index = secret.AsSpan().IndexOfAnyExcept(HexDigits);
        return index < 0 ? null : $"the secret must be hexadecimal, but character {index + 1} is '{secret[index]}'";
    }

    /// <summary>
    /// The runner UUID Forgejo derives from the secret: its 16 bytes are the ASCII codes of the
    /// secret's first 16 characters (Go's <c>uuid.FromBytes([]byte(secret[:16]))</c>).
    /// </summary>
    public static string DeriveUuid(string secret)
    {
        if (Validate(secret) is { } problem)
        {
            throw new ArgumentException(problem, nameof(secret));
        }

        var hex = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(secret[..16]));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
