using KubeRunner.Workflow.Actions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Workflow.Tests.Model;

/// <summary>Every workflow in samples/workflows reads without error, so the README's examples are valid workflows.</summary>
public sealed class SampleWorkflowTests
{
    private static readonly string Directory = SamplesDirectory();

    public static TheoryData<string> Samples() =>
        [.. System.IO.Directory.GetFiles(Directory, "*.yml").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Parse_Sample_HasNoErrorAndValidActionReferences(string file)
    {
        var result = WorkflowParser.Parse(File.ReadAllText(Path.Combine(Directory, file)));

        Assert.True(result.Ok, string.Join('\n', result.Errors));
        Assert.NotEmpty(result.Workflow!.Jobs);
        Assert.All(result.Workflow.Jobs.SelectMany(job => job.Steps).Where(step => step.Uses is not null), step =>
            Assert.True(ActionReference.TryParse(step.Uses!, out _, out var error), $"{file}: uses {step.Uses}: {error}"));
    }

    [Theory]
    [InlineData("heavy-tiles.yml", "heavy")]
    [InlineData("fenced-service.yml", "fenced")]
    public void RunsOn_OfTheDeploymentSamples_IsTheirLabel(string file, string label)
    {
        var workflow = WorkflowParser.Parse(File.ReadAllText(Path.Combine(Directory, file))).Workflow!;

        Assert.All(workflow.Jobs, job => Assert.Equal([label], job.RunsOn));
    }

    private static string SamplesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var samples = Path.Combine(dir.FullName, "samples", "workflows");
            if (File.Exists(Path.Combine(dir.FullName, "KubeRunner.sln")) && System.IO.Directory.Exists(samples))
            {
                return samples;
            }
        }

        throw new InvalidOperationException($"no samples/workflows next to a KubeRunner.sln above {AppContext.BaseDirectory}");
    }
}
