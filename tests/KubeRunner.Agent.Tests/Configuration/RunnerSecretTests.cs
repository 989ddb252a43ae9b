using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class RunnerSecretTests
{
    private const string Secret = "7e577e577e577e57a1b2c3d4e5f60718293a4b5c";

    [Theory]
    [InlineData(Secret)]
    [InlineData("7E577E577E577E57A1B2C3D4E5F60718293A4B5C")]
    [InlineData("0000000000000000000000000000000000000000")]
    public void Validate_FortyHexCharacters_ReturnsNull(string secret)
    {
        Assert.Null(RunnerSecret.Validate(secret));
    }

    [Theory]
    [InlineData("", "the secret must be exactly 40 hexadecimal characters, not 0")]
    [InlineData("abc", "the secret must be exactly 40 hexadecimal characters, not 3")]
    [InlineData(Secret + "0", "the secret must be exactly 40 hexadecimal characters, not 41")]
    [InlineData("7e577e577e577e57a1b2c3d4e5f60718293a4b5g", "the secret must be hexadecimal, but character 40 is 'g'")]
    [InlineData(" e577e577e577e57a1b2c3d4e5f60718293a4b5c", "the secret must be hexadecimal, but character 1 is ' '")]
    public void Validate_InvalidSecret_ExplainsProblem(string secret, string expected)
    {
        Assert.Equal(expected, RunnerSecret.Validate(secret));
    }

    [Fact]
    public void DeriveUuid_Secret_UsesAsciiCodesOfFirstSixteenCharacters()
    {
        Assert.Equal("37653537-3765-3537-3765-353737653537", RunnerSecret.DeriveUuid(Secret));
    }

    [Fact]
    public void DeriveUuid_UpperCaseSecret_KeepsCharactersAsWritten()
    {
        Assert.Equal("30303030-3030-3030-4646-464646464646", RunnerSecret.DeriveUuid("00000000FFFFFFFF" + new string('0', 24)));
    }

    [Fact]
    public void DeriveUuid_InvalidSecret_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => RunnerSecret.DeriveUuid("short"));

        Assert.StartsWith("the secret must be exactly 40 hexadecimal characters, not 5", exception.Message, StringComparison.Ordinal);
    }
}
