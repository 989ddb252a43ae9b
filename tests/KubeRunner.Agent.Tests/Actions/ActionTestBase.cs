namespace KubeRunner.Agent.Tests.Actions;

/// <summary>Base of the tests that need a git server: a fresh <see cref="ActionTestBed"/> per test.</summary>
public abstract class ActionTestBase : IAsyncLifetime
{
    internal ActionTestBed Bed { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Bed = await ActionTestBed.StartAsync();

    public async Task DisposeAsync() => await Bed.DisposeAsync();
}

/// <summary>Base of the cache tests about one action: <c>actions/checkout</c> with one commit, tagged <c>v4</c>.</summary>
public abstract class CheckoutActionTestBase : ActionTestBase
{
    protected static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal) { ["action.yml"] = "name: checkout\n" };

    protected string Url { get; private set; } = "";

    protected string Sha { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Sha = await Bed.Server.CreateRepositoryAsync("actions", "checkout", Files, "v4");
        Url = Bed.Server.RepositoryUrl("actions", "checkout");
    }
}
