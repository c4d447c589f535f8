using Superpower;
using Superpower.Display;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace Glint.Quality;

/// <summary>The kinds of token in DQDL text.</summary>
internal enum DqToken
{
    [Token(Example = "[")] LBracket,
    [Token(Example = "]")] RBracket,
    [Token(Example = "(")] LParen,
    [Token(Example = ")")] RParen,
    [Token(Example = "{")] LBrace,
    [Token(Example = "}")] RBrace,
    [Token(Example = ",")] Comma,
    [Token(Example = ":")] Colon,
    [Token(Example = "$")] Dollar,
    [Token(Example = "=")] Equal,
    [Token(Example = "!=")] NotEqual,
    [Token(Example = ">=")] GreaterOrEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = "<=")] LessOrEqual,
    [Token(Example = "<")] Less,
    [Token(Example = "+")] Plus,
    [Token(Example = "-")] Minus,
    [Token(Example = "*")] Star,
    [Token(Example = "/")] Slash,
    [Token(Category = "string")] String,
    [Token(Category = "number")] Number,
    [Token(Category = "name")] Identifier,
}

/// <summary>Splits DQDL text into tokens; whitespace and # comments are dropped.</summary>
internal static class DqdlTokens
{
    public static readonly Tokenizer<DqToken> Tokenizer = new TokenizerBuilder<DqToken>()
        .Ignore(Span.WhiteSpace)
        .Ignore(Comment.ShellStyle)
        .Match(Character.EqualTo('['), DqToken.LBracket)
        .Match(Character.EqualTo(']'), DqToken.RBracket)
        .Match(Character.EqualTo('('), DqToken.LParen)
        .Match(Character.EqualTo(')'), DqToken.RParen)
        .Match(Character.EqualTo('{'), DqToken.LBrace)
        .Match(Character.EqualTo('}'), DqToken.RBrace)
        .Match(Character.EqualTo(','), DqToken.Comma)
        .Match(Character.EqualTo(':'), DqToken.Colon)
        .Match(Character.EqualTo('$'), DqToken.Dollar)
        .Match(Span.EqualTo("!="), DqToken.NotEqual)
        .Match(Span.EqualTo(">="), DqToken.GreaterOrEqual)
        .Match(Span.EqualTo("<="), DqToken.LessOrEqual)
        .Match(Character.EqualTo('='), DqToken.Equal)
        .Match(Character.EqualTo('>'), DqToken.Greater)
        .Match(Character.EqualTo('<'), DqToken.Less)
        .Match(Character.EqualTo('+'), DqToken.Plus)
        .Match(Character.EqualTo('-'), DqToken.Minus)
        .Match(Character.EqualTo('*'), DqToken.Star)
        .Match(Character.EqualTo('/'), DqToken.Slash)
        .Match(QuotedString.CStyle, DqToken.String)
        .Match(Numerics.Decimal, DqToken.Number, requireDelimiters: true)
        .Match(Span.Regex("[A-Za-z_][A-Za-z0-9_.]*"), DqToken.Identifier, requireDelimiters: true)
        .Build();

    /// <summary>A quoted string token's value, escapes undone.</summary>
    public static string Unquote(Token<DqToken> token) => QuotedString.CStyle.Parse(token.ToStringValue());

    public static DqdlPosition At(Token<DqToken> token) => new(token.Position.Line, token.Position.Column);
}
