using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Workflow.Tests.Expressions;

/// <summary>The one fixed set of contexts the conformance table is written against.</summary>
internal static class TestContexts
{
    private const string Json = """
        {
          "github": {
            "event_name": "push", "ref": "refs/heads/main", "Repository": "Owner/Repo", "run_number": 7, "sha": "abc123",
            "event": {
              "commits": [
                { "id": "c1", "message": "First", "author": { "username": "alice", "Name": "Alice" } },
                { "id": "c2", "message": "second", "author": { "username": "bob" } },
                { "id": "c3", "message": "third" }
              ],
              "labels": [ { "name": "bug" }, { "name": "Feature" } ],
              "number": 42, "draft": false, "title": "Fix it", "empty_list": [], "empty_obj": {}, "nothing": null
            }
          },
          "env": {
            "Greeting": "Hello", "EMPTY": "", "Number": "42", "HEX": "0x10", "Padded": " 7 ", "Word": "abc",
            "Json": "{\"a\":[1,2]}", "TRUE_TEXT": "true"
          },
          "vars": { "Region": "eu-west" },
          "secrets": { "TOKEN": "s3cret" },
          "matrix": {
            "os": "ubuntu-latest", "Node": 20, "arm": true, "list": [1, 2, 3], "versions": ["1.0", "2.0"],
            "nested": { "a": { "x": 1 }, "b": { "x": 2 }, "c": { "y": 3 } }
          },
          "steps": {
            "build": { "outputs": { "Result": "ok", "count": "3" }, "outcome": "success", "conclusion": "success" },
            "test-unit": { "outputs": {}, "outcome": "failure", "conclusion": "success" }
          },
          "needs": {
            "setup": { "result": "success", "outputs": { "version": "1.2.3" } },
            "Lint": { "result": "failure", "outputs": { "warnings": "0" } }
          },
          "inputs": { "debug": true, "count": 3, "name": "world", "ratio": 0.5 },
          "runner": { "os": "Linux", "arch": "X64" },
          "strategy": { "fail-fast": true, "max-parallel": 2 },
          "job": { "status": "success" }
        }
        """;

    private static readonly ExpressionObject _contexts = ExpressionValue.ParseJson(Json).AsObject;

    /// <summary>A job that is going well; hashFiles echoes its arguments so calls can be checked.</summary>
    public static ExpressionContext Succeeding { get; } = new(_contexts) { HashFiles = EchoHash };

    public static ExpressionContext Failed { get; } = new(_contexts)
    {
        Success = () => false,
        Failure = () => true,
        HashFiles = EchoHash,
    };

    public static ExpressionContext Cancelled { get; } = new(_contexts)
    {
        Success = () => false,
        Failure = () => false,
        Cancelled = () => true,
        HashFiles = EchoHash,
    };

    private static string EchoHash(IReadOnlyList<string> patterns, bool followSymbolicLinks) =>
        (followSymbolicLinks ? "follow:" : string.Empty) + string.Join('|', patterns);
}
