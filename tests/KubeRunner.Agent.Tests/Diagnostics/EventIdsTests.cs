using System.Reflection;
using KubeRunner.Agent.Diagnostics;

namespace KubeRunner.Agent.Tests.Diagnostics;

public sealed class EventIdsTests
{
    [Fact]
    public void EventIds_AreUnique()
    {
        // Log queries and alerts select messages by id: two messages sharing one would be confused.
        var ids = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (f.Name, Id: (int)f.GetRawConstantValue()!))
            .ToList();

        Assert.NotEmpty(ids);
        var shared = ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}");
        Assert.Empty(shared);
    }
}
