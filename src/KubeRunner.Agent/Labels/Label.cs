namespace KubeRunner.Agent.Labels;

// Placeholder until the configuration layer lands; replaced by the full parser.
internal sealed record Label(string Name, string Scheme, string Argument)
{
    public override string ToString() => Argument.Length == 0 ? $"{Name}:{Scheme}" : $"{Name}:{Scheme}:{Argument}";
}
