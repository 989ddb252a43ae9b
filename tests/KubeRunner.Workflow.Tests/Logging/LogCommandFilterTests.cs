using KubeRunner.Workflow.Logging;

namespace KubeRunner.Workflow.Tests.Logging;

public sealed class LogCommandFilterTests
{
    [Theory]
    [InlineData("plain row", "plain row")]
    [InlineData("::group::Build", "##[group]Build")]
    [InlineData("::endgroup::", "##[endgroup]")]
    [InlineData("::warning file=a.c,line=3::careful", "::warning file=a.c,line=3::careful")]
    [InlineData("::error::broken", "::error::broken")]
    [InlineData("::set-output name=x::1", "::set-output name=x::1")]
    [InlineData(":: not a command", ":: not a command")]
    public void Filter_ShownRows(string row, string expected)
    {
        var filter = new LogCommandFilter(new SecretMasker(), showDebug: false);

        Assert.Equal(expected, filter.Filter(row));
    }

    [Fact]
    public void Filter_AddMask_HidesTheRowAndMasksTheValue()
    {
        var masker = new SecretMasker();
        var filter = new LogCommandFilter(masker, showDebug: false);

        Assert.Null(filter.Filter("::add-mask::hunter2"));
        Assert.Equal("password ***", masker.MaskRow("password hunter2"));
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "details")]
    public void Filter_Debug_ShownOnlyWhenStepDebugIsOn(bool showDebug, string? expected)
    {
        var filter = new LogCommandFilter(new SecretMasker(), showDebug);

        Assert.Equal(expected, filter.Filter("::debug::details"));
    }

    [Fact]
    public void Filter_StopCommands_NothingInterpretedUntilTheToken()
    {
        var masker = new SecretMasker();
        var filter = new LogCommandFilter(masker, showDebug: false);

        Assert.Null(filter.Filter("::stop-commands::pause-42"));
        Assert.Equal("::add-mask::visible", filter.Filter("::add-mask::visible"));
        Assert.Equal("::group::kept", filter.Filter("::group::kept"));
        Assert.Null(filter.Filter("::pause-42::"));
        Assert.Equal("##[group]now", filter.Filter("::group::now"));
        Assert.Equal("visible", masker.MaskRow("visible"));
    }

    [Fact]
    public void Filter_AddMaskWithEscapedNewline_MasksAMultiLineSecret()
    {
        var masker = new SecretMasker();
        var filter = new LogCommandFilter(masker, showDebug: false);

        filter.Filter("::add-mask::abc%0Adef");

        Assert.Equal(2, masker.MaxLines);
    }
}
