using KubeRunner.Agent.Backends.Kubernetes.Spec;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

public sealed class KubernetesQuantityTests
{
    [Theory]
    [InlineData("16", "16")]
    [InlineData("500m", "0.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("64Gi", "68719476736")]
    [InlineData("100G", "100000000000")]
    [InlineData("1e3", "1000")]
    [InlineData("2E-1", "0.2")]
    [InlineData(".5Ki", "512")]
    public void TryParse_ValidQuantity_HasItsValue(string text, string expected)
    {
        Assert.True(KubernetesQuantity.TryParse(text, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Null(KubernetesQuantity.Problem(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("64gb")]
    [InlineData("64g")]
    [InlineData("-1")]
    [InlineData("1 Gi")]
    [InlineData("Gi")]
    [InlineData("1.2.3")]
    [InlineData("1e99")]
    public void TryParse_Invalid_IsRefused(string text)
    {
        Assert.False(KubernetesQuantity.TryParse(text, out _));
        Assert.Equal($"'{text}' is not {KubernetesQuantity.Syntax}", KubernetesQuantity.Problem(text));
    }

    [Theory]
    [InlineData("1Gi", "1G", 1)]
    [InlineData("500m", "1", -1)]
    [InlineData("1k", "1e3", 0)]
    public void Compare_ByValueAcrossSuffixes(string left, string right, int sign) =>
        Assert.Equal(sign, Math.Sign(KubernetesQuantity.Compare(left, right)));

    [Theory]
    [InlineData("seaspots/tools", "seaspots_tools")]
    [InlineData("-lead/trail.", "lead_trail")]
    [InlineData("日本", "")]
    public void ToLabelValue_FreeText_BecomesAValidLabelValue(string text, string expected)
    {
        var value = KubernetesNames.ToLabelValue(text);

        Assert.Equal(expected, value);
        Assert.True(KubernetesNames.IsLabelValue(value));
    }

    [Fact]
    public void ToLabelValue_LongText_IsCutTo63()
    {
        var value = KubernetesNames.ToLabelValue(new string('a', 100));

        Assert.Equal(63, value.Length);
        Assert.True(KubernetesNames.IsLabelValue(value));
    }
}
