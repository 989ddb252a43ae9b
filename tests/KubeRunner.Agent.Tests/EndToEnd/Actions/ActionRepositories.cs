using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.EndToEnd.Actions;

/// <summary>
/// Actions served by a loopback git server, as a Forgejo instance's actions host would serve them:
/// a node action with pre and post, a composite that uses it, and a checkout action that clones
/// the job's repository from the forge with the job's token, as actions/checkout does.
/// </summary>
internal static class ActionRepositories
{
    public const string HelloNode = """
        name: hello-node
        inputs:
          who:
            default: ${{ github.actor }}
        outputs:
          greeting:
            description: what was said
        runs:
          using: node20
          pre: pre.js
          main: main.js
          post: post.js
        """;

    /// <summary>A checkout action with actions/checkout's inputs: it fetches the job's ref over HTTP with the token as basic auth.</summary>
    public const string CheckoutAction = """
        name: checkout
        inputs:
          repository:
            default: ${{ github.repository }}
          ref:
            default: ${{ github.ref }}
          token:
            default: ${{ github.token }}
          github-server-url:
            default: ${{ github.server_url }}
        runs:
          using: node20
          main: dist/index.js
        """;

    public const string CheckoutMain = """
        const { execFileSync } = require('child_process');
        const server = process.env['INPUT_GITHUB-SERVER-URL'].replace(/\/$/, '');
        const auth = 'AUTHORIZATION: basic ' + Buffer.from('x-access-token:' + process.env.INPUT_TOKEN).toString('base64');
        const git = (...args) => execFileSync('git', args, { cwd: process.env.GITHUB_WORKSPACE, stdio: 'inherit' });
        git('init', '-q');
        git('-c', 'http.extraheader=' + auth, 'fetch', '-q', '--depth', '1', `${server}/${process.env.INPUT_REPOSITORY}`, process.env.INPUT_REF);
        git('checkout', '-q', 'FETCH_HEAD');
        console.log(`checked out ${process.env.INPUT_REPOSITORY}`);
        """;

    public static async Task<LoopbackGitServer> StartAsync()
    {
        var server = await LoopbackGitServer.StartAsync();
        await server.CreateRepositoryAsync("actions", "hello-node", new Dictionary<string, string>
        {
            ["action.yml"] = HelloNode,
            ["pre.js"] = "console.log(`pre of hello-node for ${process.env.INPUT_WHO}`);\nrequire('fs').appendFileSync(process.env.GITHUB_STATE, 'phase=after pre\\n');\n",
            ["main.js"] = """
                const fs = require('fs');
                console.log(`hello ${process.env.INPUT_WHO}, state ${process.env.STATE_phase}, from ${process.env.GITHUB_ACTION_REPOSITORY}@${process.env.GITHUB_ACTION_REF}`);
                fs.appendFileSync(process.env.GITHUB_OUTPUT, `greeting=hello ${process.env.INPUT_WHO}\n`);
                """,
            ["post.js"] = "console.log(`post of hello-node for ${process.env.INPUT_WHO}`);\n",
        }, "v1");
        await server.CreateRepositoryAsync("actions", "composite", new Dictionary<string, string>
        {
            ["greet/action.yml"] = """
                name: composite greet
                inputs:
                  who:
                    required: true
                outputs:
                  said:
                    value: ${{ steps.inner.outputs.greeting }}
                runs:
                  using: composite
                  steps:
                    - id: inner
                      uses: actions/hello-node@v1
                      with:
                        who: ${{ inputs.who }} (nested)
                    - shell: bash
                      run: echo "composite got ${{ steps.inner.outputs.greeting }}"
                """,
        }, "v2");
        await server.CreateRepositoryAsync("actions", "checkout", new Dictionary<string, string>
        {
            ["action.yml"] = CheckoutAction,
            ["dist/index.js"] = CheckoutMain,
        }, "v4");
        return server;
    }
}
