using System.Security.Cryptography;
using System.Text;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// The per-task credential of an executor: random, minted by the agent for one task, never stored
/// in clear by the agent (only its hash, so a state file on disk does not hold a usable token).
/// </summary>
internal static class ExecutorToken
{
    public static string Mint() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool Matches(string? token, byte[] hash) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Hash(token), hash);
}
