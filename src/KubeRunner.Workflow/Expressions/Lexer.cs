using System.Globalization;

namespace KubeRunner.Workflow.Expressions;

/// <summary>Splits expression text into tokens; all errors name the column, as the text may be long.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var at = 0;
        while (true)
        {
            while (at < text.Length && char.IsWhiteSpace(text[at]))
            {
                at++;
            }

            if (at >= text.Length)
            {
                tokens.Add(new(TokenKind.End, string.Empty, null, text.Length + 1));
                return tokens;
            }

            // What a character means can depend on the token before it: '.' after an operand is
            // member access, and after a '.' comes a property name, which may start with a digit.
            Token? previous = tokens.Count > 0 ? tokens[^1] : null;
            var token = previous?.Kind == TokenKind.Dot
                ? ReadPropertyName(text, at)
                : ReadToken(text, at, previous?.EndsOperand == true);
            tokens.Add(token);
            at = token.Column - 1 + token.Text.Length;
        }
    }

    private static Token ReadToken(string text, int at, bool afterOperand)
    {
        var c = text[at];
        var next = at + 1 < text.Length ? text[at + 1] : '\0';
        switch (c)
        {
            case '\'':
                return ReadString(text, at);
            case '(':
                return Symbol(TokenKind.LeftParen, "(", at);
            case ')':
                return Symbol(TokenKind.RightParen, ")", at);
            case '[':
                return Symbol(TokenKind.LeftBracket, "[", at);
            case ']':
                return Symbol(TokenKind.RightBracket, "]", at);
            case ',':
                return Symbol(TokenKind.Comma, ",", at);
            case '*':
                return Symbol(TokenKind.Star, "*", at);
            case '.' when afterOperand:
                return Symbol(TokenKind.Dot, ".", at);
            case '!':
                return next == '=' ? Symbol(TokenKind.NotEqual, "!=", at) : Symbol(TokenKind.Not, "!", at);
            case '<':
                return next == '=' ? Symbol(TokenKind.LessOrEqual, "<=", at) : Symbol(TokenKind.Less, "<", at);
            case '>':
                return next == '=' ? Symbol(TokenKind.GreaterOrEqual, ">=", at) : Symbol(TokenKind.Greater, ">", at);
            case '=' when next == '=':
                return Symbol(TokenKind.Equal, "==", at);
            case '&' when next == '&':
                return Symbol(TokenKind.And, "&&", at);
            case '|' when next == '|':
                return Symbol(TokenKind.Or, "||", at);
            default:
                break;
        }

        var startsNumber = char.IsAsciiDigit(c)
            || (c == '.' && char.IsAsciiDigit(next))
            || (c == '-' && (char.IsAsciiDigit(next) || next == '.' || char.IsAsciiLetter(next)));
        if (startsNumber)
        {
            return ReadNumber(text, at);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var end = SkipNameCharacters(text, at + 1);
            return new(TokenKind.Identifier, text[at..end], null, at + 1);
        }

        throw ExpressionException.At($"unexpected character '{c}'", at + 1, text);
    }

    /// <summary>After a '.', names may start with a digit or '-' (e.g. <c>steps.1st-step</c>), or be the '*' filter.</summary>
    private static Token ReadPropertyName(string text, int at)
    {
        if (text[at] == '*')
        {
            return Symbol(TokenKind.Star, "*", at);
        }

        var end = SkipNameCharacters(text, at);
        if (end == at)
        {
            throw ExpressionException.At($"expected a property name after '.' but found '{text[at]}'", at + 1, text);
        }

        return new(TokenKind.Identifier, text[at..end], null, at + 1);
    }

    private static int SkipNameCharacters(string text, int at)
    {
        while (at < text.Length && (char.IsAsciiLetterOrDigit(text[at]) || text[at] is '_' or '-'))
        {
            at++;
        }

        return at;
    }

    private static Token ReadString(string text, int at)
    {
        var builder = new System.Text.StringBuilder();
        var i = at + 1;
        while (i < text.Length)
        {
            if (text[i] == '\'')
            {
                // A doubled quote is an escaped quote; a single one ends the literal.
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    builder.Append('\'');
                    i += 2;
                    continue;
                }

                return new(TokenKind.String, text[at..(i + 1)], ExpressionValue.From(builder.ToString()), at + 1);
            }

            builder.Append(text[i]);
            i++;
        }

        throw ExpressionException.At("unclosed string literal starting", at + 1, text);
    }

    private static Token ReadNumber(string text, int at)
    {
        var i = at;
        var negative = text[i] == '-';
        if (negative)
        {
            i++;
        }

        var end = SkipNameCharacters(text, i);
        if (end > i && !char.IsAsciiDigit(text[i]))
        {
            // Only the literal names may follow a minus sign: -Infinity (and, harmlessly, -NaN).
            var name = text[i..end];
            if (name.Equals("Infinity", StringComparison.OrdinalIgnoreCase) || name.Equals("NaN", StringComparison.OrdinalIgnoreCase))
            {
                var named = name.Length == 3 ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity;
                return new(TokenKind.Number, text[at..end], ExpressionValue.From(named), at + 1);
            }

            throw ExpressionException.At("unexpected character '-'", at + 1, text);
        }

        if (i + 1 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X')
        {
            end = i + 2;
            while (end < text.Length && char.IsAsciiHexDigit(text[end]))
            {
                end++;
            }

            return FinishNumber(text, at, end, negative, text[(i + 2)..end], NumberStyles.AllowHexSpecifier);
        }

        end = i;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (end < text.Length && text[end] == '.')
        {
            end++;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
        }

        if (end < text.Length && text[end] is 'e' or 'E')
        {
            end++;
            if (end < text.Length && text[end] is '+' or '-')
            {
                end++;
            }

            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
        }

        return FinishNumber(text, at, end, negative, text[i..end], NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent);
    }

    private static Token FinishNumber(string text, int at, int end, bool negative, string digits, NumberStyles styles)
    {
        // "12abc" or "1e" are not numbers followed by something else: report the whole word.
        var wordEnd = SkipNameCharacters(text, end);
        double value;
        var parsed = styles == NumberStyles.AllowHexSpecifier
            ? ParseHex(digits, out value)
            : double.TryParse(digits, styles, CultureInfo.InvariantCulture, out value);
        if (!parsed || wordEnd != end)
        {
            throw ExpressionException.At($"invalid number '{text[at..wordEnd]}'", at + 1, text);
        }

        return new(TokenKind.Number, text[at..end], ExpressionValue.From(negative ? -value : value), at + 1);
    }

    private static bool ParseHex(string digits, out double value)
    {
        var parsed = ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex);
        value = hex;
        return parsed && digits.Length > 0;
    }

    private static Token Symbol(TokenKind kind, string text, int at) => new(kind, text, null, at + 1);
}
