using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Registration;

/// <summary>Where a runner's <c>.runner</c> content is kept: the file <c>runner.file</c>, or a Kubernetes Secret.</summary>
internal interface IRegistrationStore
{
    /// <summary>Says where, for messages: <c>/var/lib/kube-runner/.runner</c>, <c>Secret kube-runner/kube-runner-runner</c>.</summary>
    string Describe { get; }

    /// <summary>The registration kept there, or null when there is none yet.</summary>
    /// <exception cref="RegistrationFileException">What is there cannot be read or is not a registration.</exception>
    Task<RunnerRegistration?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a new registration. When another agent kept one meanwhile (two pods started at once), that
    /// one is returned and <paramref name="registration"/> is not kept: every agent then has the same identity.
    /// </summary>
    Task<RunnerRegistration> AddAsync(RunnerRegistration registration, CancellationToken cancellationToken);

    /// <summary>Replaces the registration kept there (the daemon's labels changed); nothing is written when it is unchanged.</summary>
    Task SaveAsync(RunnerRegistration registration, CancellationToken cancellationToken);
}
