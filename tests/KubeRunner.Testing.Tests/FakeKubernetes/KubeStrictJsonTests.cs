using k8s;
using k8s.Models;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Testing.Tests.FakeKubernetes;

public sealed class KubeStrictJsonTests
{
    [Fact]
    public void Read_ClientSerialisedJob_RoundTripsQuantitiesAndFields()
    {
        var job = FakeKubeTestJobs.NewJob();
        job.Spec.Template.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("16"), ["memory"] = new("64Gi"), ["ephemeral-storage"] = new("100Gi") },
        };

        var read = KubeStrictJson.Read<V1Job>(KubernetesJson.Serialize(job));

        Assert.Equal("64Gi", read.Spec.Template.Spec.Containers[0].Resources.Requests["memory"].ToString());
        Assert.Equal(KubernetesJson.Serialize(job), KubernetesJson.Serialize(read));
    }

    [Fact]
    public void Read_MisspeltField_ThrowsNamingFieldAndModel()
    {
        const string json = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"t"},"stringdata":{"token":"x"}}""";

        var error = Assert.Throws<KubeStrictJsonException>(() => KubeStrictJson.Read<V1Secret>(json));

        Assert.Contains("'stringdata'", error.Message);
        Assert.Contains("V1Secret", error.Message);
    }
}
