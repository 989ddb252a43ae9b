namespace KubeRunner.Executor.Engine;

/// <summary>
/// Matches a path, split at '/', against a pattern's parts, as minimatch 3 does for
/// forgejo-runner's hashFiles script: <c>**</c> takes any number of parts (none included), and a
/// path with one trailing empty part (a trailing '/') still matches when the pattern ends first.
/// </summary>
internal static class GlobPath
{
    /// <summary>
    /// With <paramref name="partial"/>, also true when the path runs out while the pattern goes on:
    /// something below the path may match, so a search should look inside it.
    /// </summary>
    public static bool Matches(ReadOnlySpan<string> path, ReadOnlySpan<GlobSegment> pattern, bool partial)
    {
        var p = 0;
        for (; p < pattern.Length; p++)
        {
            if (p == path.Length)
            {
                return partial;
            }

            if (pattern[p].IsGlobstar)
            {
                // A final ** takes all that is left (it would refuse '.' and '..', which a search never yields).
                if (p == pattern.Length - 1)
                {
                    return true;
                }

                for (var skip = p; skip < path.Length; skip++)
                {
                    if (Matches(path[skip..], pattern[(p + 1)..], partial))
                    {
                        return true;
                    }
                }

                return partial;
            }

            if (!pattern[p].Matches(path[p]))
            {
                return false;
            }
        }

        return p == path.Length || (p == path.Length - 1 && path[p].Length == 0);
    }
}
