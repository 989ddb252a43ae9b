namespace KubeRunner.Workflow.Expressions;

internal enum TokenKind
{
    End,
    Number,
    String,
    Identifier,
    Dot,
    Star,
    Comma,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Not,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

/// <param name="Text">The token as written, for error messages.</param>
/// <param name="Value">The decoded value of a number or string literal, or the name of an identifier.</param>
/// <param name="Column">1-based position of the first character.</param>
internal readonly record struct Token(TokenKind Kind, string Text, ExpressionValue? Value, int Column)
{
    /// <summary>Tokens after which a '.' is member access rather than the start of a number like <c>.5</c>.</summary>
    public bool EndsOperand => Kind is TokenKind.Identifier or TokenKind.Number or TokenKind.String
        or TokenKind.RightParen or TokenKind.RightBracket or TokenKind.Star;
}
