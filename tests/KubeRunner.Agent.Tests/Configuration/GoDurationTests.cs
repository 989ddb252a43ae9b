using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class GoDurationTests
{
    public static TheoryData<string, long> ValidDurations => new()
    {
        { "0", 0 },
        { "-0", 0 },
        { "0s", 0 },
        { "300ms", TimeSpan.FromMilliseconds(300).Ticks },
        { "1.5h", TimeSpan.FromMinutes(90).Ticks },
        { "2h45m", new TimeSpan(2, 45, 0).Ticks },
        { "-1s", TimeSpan.FromSeconds(-1).Ticks },
        { "+5s", TimeSpan.FromSeconds(5).Ticks },
        { "1h30m15s", new TimeSpan(1, 30, 15).Ticks },
        { "100ns", 1 },
        { "150ns", 1 },
        { "1us", 10 },
        { "1\u00b5s", 10 },
        { "1\u03bcs", 10 },
        { ".5s", TimeSpan.FromMilliseconds(500).Ticks },
        { "5.s", TimeSpan.FromSeconds(5).Ticks },
        { "1m0.25s", TimeSpan.FromMilliseconds(60_250).Ticks },
        { "2562047h", TimeSpan.FromHours(2_562_047).Ticks },
    };

    [Theory]
    [MemberData(nameof(ValidDurations))]
    public void TryParse_GoSyntax_ReturnsDuration(string text, long expectedTicks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(expectedTicks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("5")]
    [InlineData("1.5")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("1d")]
    [InlineData("1H")]
    [InlineData("1h 30m")]
    [InlineData(" 1h")]
    [InlineData("1h-30m")]
    [InlineData("--1s")]
    [InlineData("3000000h")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "100ns")]
    [InlineData(11, "1.1\u00b5s")]
    [InlineData(1_000_000, "100ms")]
    [InlineData(15_000, "1.5ms")]
    [InlineData(10_000_000, "1s")]
    [InlineData(15_000_000, "1.5s")]
    [InlineData(600_000_000, "1m0s")]
    [InlineData(900_000_000, "1m30s")]
    [InlineData(36_000_000_000, "1h0m0s")]
    [InlineData(54_000_000_000, "1h30m0s")]
    [InlineData(108_000_000_000, "3h0m0s")]
    [InlineData(99_000_000_000, "2h45m0s")]
    [InlineData(-10_000_000, "-1s")]
    [InlineData(-1_000_000, "-100ms")]
    [InlineData(10_000_001, "1.0000001s")]
    public void Format_Duration_MatchesGoString(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("1h30m0s")]
    [InlineData("100ms")]
    [InlineData("2.5\u00b5s")]
    [InlineData("-2h0m0.5s")]
    public void Format_ParsedText_RoundTrips(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(text, GoDuration.Format(value));
    }
}
