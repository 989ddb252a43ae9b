namespace KubeRunner.Workflow.Expressions;

/// <summary>
/// Recursive-descent parser. Precedence, loosest first: <c>||</c>, <c>&amp;&amp;</c>, <c>== !=</c>,
/// <c>&lt; &lt;= &gt; &gt;=</c>, <c>!</c>, then member access, indexing and calls; all binary
/// operators associate to the left.
/// </summary>
internal sealed class Parser
{
    // GitHub rejects deeper nesting too; the limit also keeps recursion far from the stack's end.
    private const int MaxDepth = 50;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    private Token Current => _tokens[_position];

    public static ExpressionNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new ExpressionException("the expression is empty");
        }

        var node = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Unexpected();
        }

        return node;
    }

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept(TokenKind.Or))
        {
            left = new LogicalNode(left, ParseAnd(), isAnd: false);
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseEquality();
        while (Accept(TokenKind.And))
        {
            left = new LogicalNode(left, ParseEquality(), isAnd: true);
        }

        return left;
    }

    private ExpressionNode ParseEquality()
    {
        var left = ParseRelational();
        while (Current.Kind is TokenKind.Equal or TokenKind.NotEqual)
        {
            var op = Next().Kind;
            left = new CompareNode(left, ParseRelational(), op);
        }

        return left;
    }

    private ExpressionNode ParseRelational()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual)
        {
            var op = Next().Kind;
            left = new CompareNode(left, ParseUnary(), op);
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (Current.Kind != TokenKind.Not)
        {
            return ParsePostfix();
        }

        var not = Next();
        Enter(not);
        var operand = ParseUnary();
        _depth--;
        return new NotNode(operand);
    }

    private ExpressionNode ParsePostfix()
    {
        var target = ParsePrimary();
        var accessors = new List<Accessor>();
        while (true)
        {
            if (Accept(TokenKind.Dot))
            {
                if (Current.Kind is not (TokenKind.Identifier or TokenKind.Star))
                {
                    throw Unexpected();
                }

                var name = Next();
                accessors.Add(name.Kind == TokenKind.Star ? Accessor.Filter : new Accessor(name.Text, null));
            }
            else if (Current.Kind == TokenKind.LeftBracket)
            {
                var open = Next();
                if (Accept(TokenKind.Star))
                {
                    accessors.Add(Accessor.Filter);
                }
                else
                {
                    Enter(open);
                    accessors.Add(new Accessor(null, ParseOr()));
                    _depth--;
                }

                Expect(TokenKind.RightBracket, "']'", open);
            }
            else
            {
                return accessors.Count == 0 ? target : new AccessNode(target, accessors);
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
            case TokenKind.String:
                _position++;
                return new LiteralNode(token.Value!);
            case TokenKind.LeftParen:
                _position++;
                Enter(token);
                var inner = ParseOr();
                _depth--;
                Expect(TokenKind.RightParen, "')'", token);
                return inner;
            case TokenKind.Identifier:
                _position++;
                return _tokens[_position].Kind == TokenKind.LeftParen ? ParseCall(token) : ParseName(token);
            default:
                throw Unexpected();
        }
    }

    private ExpressionNode ParseName(Token name)
    {
        // true/false/null are case-sensitive keywords; NaN and Infinity are accepted in any case.
        switch (name.Text)
        {
            case "true":
                return new LiteralNode(ExpressionValue.True);
            case "false":
                return new LiteralNode(ExpressionValue.False);
            case "null":
                return new LiteralNode(ExpressionValue.Null);
            default:
                break;
        }

        if (name.Text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            return new LiteralNode(ExpressionValue.From(double.NaN));
        }

        if (name.Text.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
        {
            return new LiteralNode(ExpressionValue.From(double.PositiveInfinity));
        }

        if (!NamedValueNode.Known.Contains(name.Text))
        {
            throw ExpressionException.At($"Unrecognized named-value: '{name.Text}'", name.Column, _text);
        }

        return new NamedValueNode(name.Text);
    }

    private FunctionCallNode ParseCall(Token name)
    {
        if (!Functions.TryGet(name.Text, out var function))
        {
            throw ExpressionException.At($"Unrecognized function: '{name.Text}'", name.Column, _text);
        }

        var open = Next();
        Enter(open);
        var arguments = new List<ExpressionNode>();
        if (!Accept(TokenKind.RightParen))
        {
            do
            {
                arguments.Add(ParseOr());
            }
            while (Accept(TokenKind.Comma));

            Expect(TokenKind.RightParen, "')' or ','", open);
        }

        _depth--;
        if (arguments.Count < function.MinArguments || arguments.Count > function.MaxArguments)
        {
            throw ExpressionException.At(
                $"{function.Name}() takes {Arity(function)} but was given {arguments.Count}", name.Column, _text);
        }

        return new FunctionCallNode(function, arguments);
    }

    private static string Arity(FunctionDefinition f)
    {
        static string Count(int n) => n == 1 ? "1 argument" : $"{n} arguments";
        return f.MinArguments == f.MaxArguments ? Count(f.MinArguments)
            : f.MaxArguments == int.MaxValue ? $"at least {Count(f.MinArguments)}"
            : $"{f.MinArguments} to {f.MaxArguments} arguments";
    }

    private void Enter(Token at)
    {
        if (++_depth > MaxDepth)
        {
            throw ExpressionException.At($"the expression nests deeper than {MaxDepth} levels", at.Column, _text);
        }
    }

    private Token Next() => _tokens[_position++];

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        _position++;
        return true;
    }

    private void Expect(TokenKind kind, string what, Token opener)
    {
        if (Accept(kind))
        {
            return;
        }

        if (Current.Kind == TokenKind.End)
        {
            throw ExpressionException.At($"'{opener.Text}' opened at column {opener.Column} is never closed: expected {what}", Current.Column, _text);
        }

        throw ExpressionException.At($"expected {what} but found '{Current.Text}'", Current.Column, _text);
    }

    private ExpressionException Unexpected()
    {
        var token = Current;
        if (token.Kind == TokenKind.End)
        {
            var previous = _position > 0 ? _tokens[_position - 1].Text : string.Empty;
            return ExpressionException.At($"unexpected end of expression after '{previous}'", token.Column, _text);
        }

        return ExpressionException.At($"unexpected '{token.Text}'", token.Column, _text);
    }
}
