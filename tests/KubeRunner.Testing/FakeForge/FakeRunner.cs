namespace KubeRunner.Testing.FakeForge;

/// <summary>A snapshot of a runner registered with the fake forge.</summary>
public sealed class FakeRunner
{
    public required long Id { get; init; }

    public required string Uuid { get; init; }

    /// <summary>The runner token in plaintext (the fake keeps it; Forgejo keeps only a salted hash).</summary>
    public required string Token { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>Label names as sent in Register or the last Declare (§3.2, §3.3).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required bool Ephemeral { get; init; }

    /// <summary>Set by every authenticated call (§3.1 step 4).</summary>
    public DateTimeOffset? LastOnline { get; init; }

    /// <summary>Set by authenticated UpdateTask and UpdateLog calls (§3.1 step 4).</summary>
    public DateTimeOffset? LastActive { get; init; }

    /// <summary>The owner of an owner- or repository-level runner; null for a global (admin-level) one.</summary>
    public string? Owner { get; init; }

    /// <summary>The repository (without owner) of a repository-level runner.</summary>
    public string? Repository { get; init; }
}
