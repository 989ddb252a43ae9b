using System.Runtime.Versioning;
using System.Text;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class RegistrationFileTests : IDisposable
{
    private static readonly RunnerRegistration Registration = new(
        42,
        "37653537-3765-3537-3765-353737653537",
        "kube-runner-1",
        "7e577e577e577e57a1b2c3d4e5f60718293a4b5c",
        "https://forgejo.example.com",
        ["ubuntu-latest:docker://node:22-bookworm", "shell:host"]);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string RunnerFile => Path.Combine(_directory.Path, ".runner");

    [Fact]
    public void Save_Registration_WritesForgejoRunnerBytes()
    {
        RegistrationFile.Save(RunnerFile, Registration);

        Assert.Equal(Golden.ReadBytes("registration.json"), File.ReadAllBytes(RunnerFile));
    }

    [Fact]
    public void Serialize_NoLabels_WritesEmptyArray()
    {
        var text = RegistrationFile.Serialize(Registration with { Labels = [] });

        Assert.EndsWith("\"address\": \"https://forgejo.example.com\",\n  \"labels\": []\n}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_SpecialCharacters_AreEscapedAsGoDoes()
    {
        var text = RegistrationFile.Serialize(Registration with { Name = "a<b>&\"c\"\\\n\t\u0001\u2028 ünï" });

        Assert.Contains("\"name\": \"a\\u003cb\\u003e\\u0026\\\"c\\\"\\\\\\n\\t\\u0001\\u2028 ünï\",", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GoldenFile_ReturnsRegistration()
    {
        File.WriteAllBytes(RunnerFile, Golden.ReadBytes("registration.json"));

        Assert.Equal(Registration, RegistrationFile.Load(RunnerFile));
    }

    [Fact]
    public void Save_ThenLoad_RoundTripsUnusualText()
    {
        var registration = Registration with { Name = "ünï<code> \"quoted\"", Labels = [] };

        RegistrationFile.Save(RunnerFile, registration);

        Assert.Equal(registration, RegistrationFile.Load(RunnerFile));
    }

    [Fact]
    public void Load_GoLeniency_AcceptsOtherCaseMissingIdNullLabelsAndExtraFields()
    {
        File.WriteAllText(RunnerFile, """{"UUID": "u", "Token": "t", "ADDRESS": "https://f", "labels": null, "extra": [1]}""");

        Assert.Equal(new RunnerRegistration(0, "u", "", "t", "https://f", []), RegistrationFile.Load(RunnerFile));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_NewFile_IsOwnerReadWriteOnly()
    {
        RegistrationFile.Save(RunnerFile, Registration);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RunnerFile));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_ExistingWorldReadableFile_IsReplacedByPrivateFile()
    {
        File.WriteAllText(RunnerFile, "{}");
        File.SetUnixFileMode(RunnerFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        RegistrationFile.Save(RunnerFile, Registration);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RunnerFile));
        Assert.Equal(Registration, RegistrationFile.Load(RunnerFile));
    }

    [Fact]
    public void Save_IdenticalContent_DoesNotRewriteFile()
    {
        RegistrationFile.Save(RunnerFile, Registration);
        var past = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(RunnerFile, past);

        RegistrationFile.Save(RunnerFile, Registration with { Labels = [.. Registration.Labels] });

        Assert.Equal(past, File.GetLastWriteTimeUtc(RunnerFile));
    }

    [Fact]
    public void Save_ChangedLabels_RewritesFile()
    {
        RegistrationFile.Save(RunnerFile, Registration);
        var past = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(RunnerFile, past);

        RegistrationFile.Save(RunnerFile, Registration with { Labels = ["other:host"] });

        Assert.NotEqual(past, File.GetLastWriteTimeUtc(RunnerFile));
        Assert.Equal(["other:host"], RegistrationFile.Load(RunnerFile).Labels);
    }

    [Fact]
    public void Save_Replacing_LeavesNoTemporaryFiles()
    {
        RegistrationFile.Save(RunnerFile, Registration);
        RegistrationFile.Save(RunnerFile, Registration with { Id = 43 });

        Assert.Equal([RunnerFile], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Save_MissingDirectory_ThrowsNamingPath()
    {
        var path = Path.Combine(_directory.Path, "absent", ".runner");

        var exception = Assert.Throws<RegistrationFileException>(() => RegistrationFile.Save(path, Registration));

        Assert.StartsWith($"cannot write registration file {path}: ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_SaysToRegisterFirst()
    {
        var exception = Assert.Throws<RegistrationFileException>(() => RegistrationFile.Load(RunnerFile));

        Assert.Equal(
            $"registration file {RunnerFile} does not exist; run 'kube-runner register' or 'kube-runner create-runner-file' first",
            exception.Message);
    }

    [Fact]
    public void Load_Directory_ThrowsUnreadableWithReason()
    {
        Directory.CreateDirectory(RunnerFile);

        var exception = Assert.Throws<RegistrationFileException>(() => RegistrationFile.Load(RunnerFile));

        Assert.StartsWith($"cannot read registration file {RunnerFile}: ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"uuid\": \"u\",\n  oops\n}", "is not valid JSON at line 3")]
    [InlineData("", "is not valid JSON at line 1")]
    [InlineData("[1, 2]", "is malformed: expected a JSON object, found array")]
    [InlineData("""{"token": "t", "address": "a"}""", "is malformed: \"uuid\" is missing or empty")]
    [InlineData("""{"uuid": "u", "token": "", "address": "a"}""", "is malformed: \"token\" is missing or empty")]
    [InlineData("""{"uuid": "u", "token": "t"}""", "is malformed: \"address\" is missing or empty")]
    [InlineData("""{"id": "7", "uuid": "u", "token": "t", "address": "a"}""", "is malformed: \"id\" must be a whole number")]
    [InlineData("""{"uuid": 5, "token": "t", "address": "a"}""", "is malformed: \"uuid\" must be a string")]
    [InlineData("""{"uuid": "u", "token": "t", "address": "a", "labels": "x:host"}""", "is malformed: \"labels\" must be a list of strings")]
    [InlineData("""{"uuid": "u", "token": "t", "address": "a", "labels": [1]}""", "is malformed: \"labels\" must be a list of strings")]
    public void Load_MalformedContent_ThrowsNamingPathAndProblem(string content, string problem)
    {
        File.WriteAllText(RunnerFile, content, new UTF8Encoding(false));

        var exception = Assert.Throws<RegistrationFileException>(() => RegistrationFile.Load(RunnerFile));

        Assert.Equal($"registration file {RunnerFile} {problem}", exception.Message);
    }

    [Fact]
    public void Equals_LabelsWithSameItems_AreEqual()
    {
        var copy = Registration with { Labels = [.. Registration.Labels] };

        Assert.Equal(Registration, copy);
        Assert.Equal(Registration.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(Registration, copy with { Labels = ["shell:host"] });
    }
}
