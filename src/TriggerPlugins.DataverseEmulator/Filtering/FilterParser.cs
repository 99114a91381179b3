using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Filtering;

/// <summary>
/// Parses the <c>$filter</c> subset the emulator serves: <c>eq</c>, <c>ne</c>, <c>and</c>, <c>or</c>, parentheses,
/// string literals (<c>''</c> escapes a quote), GUIDs, null, numbers, booleans and date-times.
/// Errors are Dataverse-shaped and give the 0-based position, as OData does.
/// </summary>
internal sealed partial class FilterParser
{
    private static readonly HashSet<string> OtherOperators = ["gt", "ge", "lt", "le", "has", "in", "not", "add", "sub", "mul", "div", "mod"];

    private readonly string _text;
    private readonly EntitySchema _schema;
    private readonly List<Token> _tokens;
    private int _next;

    private FilterParser(string text, EntitySchema schema)
    {
        _text = text;
        _schema = schema;
        _tokens = Tokenize(text);
    }

    public static FilterExpression Parse(string text, EntitySchema schema)
    {
        var parser = new FilterParser(text, schema);
        if (parser.Current.Kind == TokenKind.End)
        {
            throw parser.Error("Expression expected", parser.Current.Position);
        }

        var expression = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Error($"Syntax error: '{parser.Current.Text}' is not expected", parser.Current.Position);
        }

        return expression;
    }

    private Token Current => _tokens[_next];

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (IsKeyword(Current, "or"))
        {
            _next++;
            left = new OrExpression(left, ParseAnd());
        }

        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParsePrimary();
        while (IsKeyword(Current, "and"))
        {
            _next++;
            left = new AndExpression(left, ParsePrimary());
        }

        return left;
    }

    private FilterExpression ParsePrimary()
    {
        var token = Current;
        if (token.Kind == TokenKind.OpenParen)
        {
            _next++;
            var inner = ParseOr();
            Expect(TokenKind.CloseParen, "')' expected");
            return inner;
        }

        if (token.Kind == TokenKind.Identifier)
        {
            return ParseComparison();
        }

        if (token.Kind == TokenKind.End)
        {
            throw Error("Expression expected", token.Position);
        }

        throw Error($"Syntax error: a property name is expected instead of '{token.Text}'", token.Position);
    }

    private ComparisonExpression ParseComparison()
    {
        var name = Current;
        _next++;
        if (Current.Kind == TokenKind.OpenParen)
        {
            throw DataverseErrors.BadRequest($"The emulator does not support the function '{name.Text}' (at position {name.Position} in '{_text}'); it supports eq, ne, and, or and parentheses.");
        }

        var attribute = _schema.FindAttribute(name.Text) ?? throw DataverseErrors.UnknownProperty(name.Text, _schema);
        var op = Current;
        ComparisonOperator comparison;
        if (IsKeyword(op, "eq"))
        {
            comparison = ComparisonOperator.Equal;
        }
        else if (IsKeyword(op, "ne"))
        {
            comparison = ComparisonOperator.NotEqual;
        }
        else if (op.Kind == TokenKind.Identifier && OtherOperators.Contains(op.Text))
        {
            throw DataverseErrors.BadRequest($"The emulator does not support the operator '{op.Text}' (at position {op.Position} in '{_text}'); it supports eq and ne.");
        }
        else
        {
            throw Error(op.Kind == TokenKind.End ? "Expression expected" : $"Syntax error: an operator is expected instead of '{op.Text}'", op.Position);
        }

        _next++;
        var literal = ParseLiteral();
        CheckType(attribute, literal);
        return new ComparisonExpression(attribute, comparison, literal);
    }

    private FilterLiteral ParseLiteral()
    {
        var token = Current;
        _next++;
        return token.Kind switch
        {
            TokenKind.String => new FilterLiteral(token.Value, "Edm.String", token.Text),
            TokenKind.Guid => new FilterLiteral(token.Value, "Edm.Guid", token.Text),
            TokenKind.Number => new FilterLiteral(token.Value, ((decimal)token.Value!) % 1 == 0 ? "Edm.Int32" : "Edm.Decimal", token.Text),
            TokenKind.DateTime => new FilterLiteral(token.Value, "Edm.DateTimeOffset", token.Text),
            TokenKind.Identifier when token.Text == "null" => new FilterLiteral(null, "null", token.Text),
            TokenKind.Identifier when token.Text is "true" or "false" => new FilterLiteral(token.Text == "true", "Edm.Boolean", token.Text),
            TokenKind.End => throw Error("Expression expected", token.Position),
            _ => throw Error($"Syntax error: a literal is expected instead of '{token.Text}'", token.Position),
        };
    }

    private static void CheckType(AttributeDefinition attribute, FilterLiteral literal)
    {
        var compatible = literal.Value switch
        {
            null => true,
            string => attribute.IsText,
            Guid => attribute.IsGuid,
            decimal => attribute.IsNumber,
            bool => attribute.Kind == AttributeKind.Boolean,
            DateTimeOffset => attribute.Kind == AttributeKind.DateTime,
            _ => false,
        };
        if (!compatible)
        {
            throw DataverseErrors.BadRequest(
                $"A binary operator with incompatible types was detected. Found operand types '{attribute.EdmType}' and '{literal.EdmType}' for operator kind 'Equal'.");
        }
    }

    private void Expect(TokenKind kind, string message)
    {
        if (Current.Kind != kind)
        {
            throw Error(message, Current.Position);
        }

        _next++;
    }

    private static bool IsKeyword(Token token, string keyword) => token.Kind == TokenKind.Identifier && token.Text == keyword;

    private DataverseException Error(string what, int position) =>
        DataverseErrors.BadRequest($"{what} at position {position} in '{_text}'.");

    private List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '(' or ')' or ',')
            {
                var kind = c switch { '(' => TokenKind.OpenParen, ')' => TokenKind.CloseParen, _ => TokenKind.Comma };
                tokens.Add(new Token(kind, c.ToString(), null, start));
                i++;
            }
            else if (c == '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw Error("Unterminated string literal", start);
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                tokens.Add(new Token(TokenKind.String, text[start..i], value.ToString(), start));
            }
            else if (GuidAt().Match(text, i) is { Success: true, Index: var gi } guid && gi == i && !IsWordChar(text, i + guid.Length))
            {
                tokens.Add(new Token(TokenKind.Guid, guid.Value, Guid.Parse(guid.Value), start));
                i += guid.Length;
            }
            else if (DateTimeAt().Match(text, i) is { Success: true, Index: var di } date && di == i && !IsWordChar(text, i + date.Length))
            {
                if (!DateTimeOffset.TryParse(date.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                {
                    throw Error($"Syntax error: '{date.Value}' is not a valid date-time", start);
                }

                tokens.Add(new Token(TokenKind.DateTime, date.Value, when, start));
                i += date.Length;
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var number = text[start..i];
                if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                    || IsWordChar(text, i))
                {
                    throw Error($"Syntax error: '{number}' is not a valid number", start);
                }

                tokens.Add(new Token(TokenKind.Number, number, value, start));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (IsWordChar(text, i))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], null, start));
            }
            else
            {
                throw Error($"Syntax error: character '{c}' is not valid", start);
            }
        }

        tokens.Add(new Token(TokenKind.End, "", null, text.Length));
        return tokens;
    }

    private static bool IsWordChar(string text, int i) => i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_');

    [GeneratedRegex(@"\G[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidAt();

    [GeneratedRegex(@"\G\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?")]
    private static partial Regex DateTimeAt();

    private enum TokenKind
    {
        Identifier,
        String,
        Guid,
        Number,
        DateTime,
        OpenParen,
        CloseParen,
        Comma,
        End,
    }

    private sealed record Token(TokenKind Kind, string Text, object? Value, int Position);
}
