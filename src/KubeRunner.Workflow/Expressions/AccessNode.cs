namespace KubeRunner.Workflow.Expressions;

/// <summary>One step of a member-access chain: <c>.name</c>, <c>[index]</c>, or the filter <c>.*</c> / <c>[*]</c>.</summary>
internal sealed record Accessor(string? Property, ExpressionNode? Index)
{
    public bool IsFilter => Property is null && Index is null;

    public static Accessor Filter { get; } = new(null, null);
}

/// <summary>
/// A value followed by accessors, e.g. <c>github.event.commits.*.author['name']</c>. After a filter
/// the rest of the chain applies to every element and collects what exists, so
/// <c>needs.*.result</c> is the array of all results; parentheses end the chain, which is how
/// <c>(a.*.b)[0]</c> indexes the collected array instead of each element.
/// </summary>
internal sealed class AccessNode(ExpressionNode target, IReadOnlyList<Accessor> accessors) : ExpressionNode
{
    internal override IEnumerable<ExpressionNode> Children =>
        accessors.Where(a => a.Index is not null).Select(a => a.Index!).Prepend(target);

    public override ExpressionValue Evaluate(ExpressionContext context)
    {
        var value = target.Evaluate(context);
        List<ExpressionValue>? filtered = null;
        foreach (var accessor in accessors)
        {
            if (filtered is null)
            {
                if (accessor.IsFilter)
                {
                    if (value.Kind is not (ExpressionKind.Array or ExpressionKind.Object))
                    {
                        return ExpressionValue.Null;
                    }

                    filtered = [];
                    AddElements(value, filtered);
                }
                else
                {
                    value = TryAccess(value, Key(accessor, context), out var member) ? member : ExpressionValue.Null;
                }

                continue;
            }

            var next = new List<ExpressionValue>(filtered.Count);
            var key = accessor.IsFilter ? null : Key(accessor, context);
            foreach (var item in filtered)
            {
                if (key is null)
                {
                    AddElements(item, next);
                }
                else if (TryAccess(item, key, out var member))
                {
                    next.Add(member);
                }
            }

            filtered = next;
        }

        return filtered is null ? value : ExpressionValue.From(filtered);
    }

    /// <summary>
    /// Looks a key up in a value: strings name object members (ignoring case), whole non-negative
    /// numbers index arrays. Any other combination finds nothing, which callers turn into null.
    /// </summary>
    internal static bool TryAccess(ExpressionValue value, ExpressionValue key, out ExpressionValue member)
    {
        member = ExpressionValue.Null;
        if (value.Kind == ExpressionKind.Object && key.Kind == ExpressionKind.String)
        {
            if (value.AsObject.TryGetValue(key.AsString, out var found))
            {
                member = found;
                return true;
            }

            return false;
        }

        if (value.Kind == ExpressionKind.Array && key.Kind == ExpressionKind.Number)
        {
            var index = key.AsNumber;
            var items = value.AsArray;
            if (index >= 0 && index < items.Count && index == Math.Floor(index))
            {
                member = items[(int)index];
                return true;
            }
        }

        return false;
    }

    private static ExpressionValue Key(Accessor accessor, ExpressionContext context) =>
        accessor.Property is { } name ? ExpressionValue.From(name) : accessor.Index!.Evaluate(context);

    private static void AddElements(ExpressionValue value, List<ExpressionValue> into)
    {
        if (value.Kind == ExpressionKind.Array)
        {
            into.AddRange(value.AsArray);
        }
        else if (value.Kind == ExpressionKind.Object)
        {
            into.AddRange(value.AsObject.Values);
        }
    }
}
