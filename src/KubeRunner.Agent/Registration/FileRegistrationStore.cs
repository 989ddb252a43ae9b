using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Registration;

/// <summary>The <c>.runner</c> file, as <c>kube-runner register</c> and forgejo-runner write it.</summary>
internal sealed class FileRegistrationStore(string path) : IRegistrationStore
{
    public string Describe => path;

    public Task<RunnerRegistration?> LoadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(path) ? RegistrationFile.Load(path) : null);

    public Task<RunnerRegistration> AddAsync(RunnerRegistration registration, CancellationToken cancellationToken)
    {
        // One daemon per runner directory (RunnerDirectoryLock), so no other agent can have written it meanwhile.
        RegistrationFile.Save(path, registration);
        return Task.FromResult(registration);
    }

    public Task SaveAsync(RunnerRegistration registration, CancellationToken cancellationToken)
    {
        RegistrationFile.Save(path, registration);
        return Task.CompletedTask;
    }
}
