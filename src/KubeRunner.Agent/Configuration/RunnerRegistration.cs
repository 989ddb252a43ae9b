namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The credentials kept in the <c>.runner</c> file (forgejo-runner's internal/pkg/config/registration.go).
/// Equality compares <see cref="Labels"/> item by item, so an unchanged registration can be detected.
/// </summary>
/// <param name="Id">Runner id assigned by Forgejo at registration (0 for files made by create-runner-file).</param>
/// <param name="Uuid">Runner UUID, sent with every call.</param>
/// <param name="Name">Runner name shown in Forgejo.</param>
/// <param name="Token">Runner token (not the registration token).</param>
/// <param name="Address">Forgejo instance URL as entered; the base of every call.</param>
/// <param name="Labels">Full label strings, e.g. <c>ubuntu-latest:docker://node:22-bookworm</c>.</param>
internal sealed record RunnerRegistration(long Id, string Uuid, string Name, string Token, string Address, IReadOnlyList<string> Labels)
{
    public bool Equals(RunnerRegistration? other) =>
        other is not null &&
        Id == other.Id &&
        Uuid == other.Uuid &&
        Name == other.Name &&
        Token == other.Token &&
        Address == other.Address &&
        Labels.SequenceEqual(other.Labels);

    public override int GetHashCode() => HashCode.Combine(Id, Uuid, Name, Token, Address, Labels.Count);
}
