using k8s.Models;
using KubeRunner.Testing.FakeKubernetes;

namespace KubeRunner.Agent.Tests.EndToEnd.Chart;

/// <summary>The rules the chart grants the agent's service account, checked against API requests as the API server's authorizer would.</summary>
internal sealed class RoleRules
{
    private readonly List<(string Namespace, V1PolicyRule Rule)> _rules;

    public RoleRules(IEnumerable<V1Role> roles, IEnumerable<V1RoleBinding> bindings, string serviceAccount)
    {
        var bound = bindings
            .Where(b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty is not null))
            .Select(b => (b.Metadata.NamespaceProperty, b.RoleRef.Name))
            .ToHashSet();
        _rules = [.. roles.Where(r => bound.Contains((r.Metadata.NamespaceProperty, r.Metadata.Name)))
            .SelectMany(r => r.Rules.Select(rule => (r.Metadata.NamespaceProperty, rule)))];
    }

    /// <summary>Every (namespace, group, resource, verb) some rule grants.</summary>
    public IEnumerable<Permission> Granted =>
        _rules.SelectMany(r => r.Rule.ApiGroups.SelectMany(g => r.Rule.Resources.SelectMany(res => r.Rule.Verbs.Select(v => new Permission(r.Namespace, g, res, v)))))
            .Distinct();

    public bool Allows(KubeRequest request)
    {
        var permission = Of(request);
        return _rules.Any(r => r.Namespace == permission.Namespace
            && r.Rule.ApiGroups.Contains(permission.Group)
            && r.Rule.Resources.Contains(permission.Resource)
            && r.Rule.Verbs.Contains(permission.Verb)
            && (r.Rule.ResourceNames is not { Count: > 0 } names || (request.Name is not null && request.Verb != "create" && names.Contains(request.Name))));
    }

    /// <summary>What a request needs: its API group comes from its path (<c>/api/v1/…</c> is the core group, <c>/apis/batch/v1/…</c> batch).</summary>
    public static Permission Of(KubeRequest request)
    {
        var parts = request.Path.Trim('/').Split('/');
        var group = parts[0] == "apis" ? parts[1] : "";
        return new Permission(request.Namespace ?? "", group, request.Resource, request.Verb);
    }

    public sealed record Permission(string Namespace, string Group, string Resource, string Verb)
    {
        public override string ToString() => $"{Verb} {(Group.Length == 0 ? "" : Group + "/")}{Resource} in {Namespace}";
    }
}
