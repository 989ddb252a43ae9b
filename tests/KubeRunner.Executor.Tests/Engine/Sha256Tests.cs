using System.Security.Cryptography;
using System.Text;
using KubeRunner.Executor.Engine;

namespace KubeRunner.Executor.Tests.Engine;

public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Hash_KnownVectors_MatchTheStandard(string text, string expected)
    {
        var hash = Sha256.Hash(new MemoryStream(Encoding.ASCII.GetBytes(text)));

        Assert.Equal(expected, Convert.ToHexStringLower(hash));
    }

    [Theory]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(119)]
    [InlineData(120)]
    [InlineData(1_000_003)]
    public void Append_InPiecesOfOddSizes_MatchesTheSystemHash(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var sha = new Sha256();
        for (var at = 0; at < length;)
        {
            var piece = Math.Min(length - at, 1 + (at % 97));
            sha.Append(data.AsSpan(at, piece));
            at += piece;
        }

        Assert.Equal(SHA256.HashData(data), sha.Finish());
        Assert.Equal(SHA256.HashData(data), Sha256.Hash(new MemoryStream(data)));
    }
}
