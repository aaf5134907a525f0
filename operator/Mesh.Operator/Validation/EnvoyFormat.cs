namespace Mesh.Operator.Validation;

/// <summary>
/// Envoy's header value format: literal text, <c>%%</c> for a percent sign, and <c>%VARIABLE%</c> or
/// <c>%VARIABLE(args)%</c> substitutions, where args is a bare string or a JSON array of strings. A stray <c>%</c>, an
/// unterminated variable or malformed arguments make Envoy (and Istio's validator) reject the route.
/// </summary>
internal static class EnvoyFormat
{
    private enum State
    {
        Literal,
        VariableName,
        ExpectArray,
        ExpectString,
        InString,
        ExpectDelimiterOrEnd,
        ExpectArgsEnd,
        ExpectVariableEnd,
    }

    public static string? Check(string value)
    {
        var state = State.Literal;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (state)
            {
                case State.Literal when c == '%':
                    if (i + 1 >= value.Length)
                    {
                        return "a '%' must be escaped as '%%' or start a %VARIABLE%";
                    }

                    if (value[i + 1] == '%')
                    {
                        i++;
                    }
                    else
                    {
                        state = State.VariableName;
                    }

                    break;
                case State.VariableName:
                    state = c switch
                    {
                        '%' => State.Literal,
                        '(' => State.ExpectArray,
                        _ => state,
                    };
                    break;
                case State.ExpectArray:
                    state = c == '[' ? State.ExpectString : c == ' ' ? state : State.InString;
                    break;
                case State.ExpectDelimiterOrEnd:
                    if (c == ',')
                    {
                        state = State.ExpectString;
                    }
                    else if (c == ']')
                    {
                        state = State.ExpectArgsEnd;
                    }
                    else if (c != ' ')
                    {
                        return "malformed variable arguments: expected ',', ']' or a space";
                    }

                    break;
                case State.ExpectString:
                    if (c == '"')
                    {
                        state = State.InString;
                    }
                    else if (c != ' ')
                    {
                        return "malformed variable arguments: expected '\"'";
                    }

                    break;
                case State.InString:
                    if (c == '\\')
                    {
                        if (i + 1 >= value.Length)
                        {
                            return "malformed variable arguments: unterminated backslash";
                        }

                        i++;
                    }
                    else if (c == ')')
                    {
                        state = State.ExpectVariableEnd;
                    }
                    else if (c == '"')
                    {
                        state = State.ExpectDelimiterOrEnd;
                    }

                    break;
                case State.ExpectArgsEnd:
                    if (c == ')')
                    {
                        state = State.ExpectVariableEnd;
                    }
                    else if (c != ' ')
                    {
                        return "malformed variable arguments: expected ')'";
                    }

                    break;
                case State.ExpectVariableEnd:
                    if (c == '%')
                    {
                        state = State.Literal;
                    }
                    else if (c != ' ')
                    {
                        return "malformed variable: expected '%' after its arguments";
                    }

                    break;
            }
        }

        return state == State.Literal ? null : $"unterminated variable expression in '{value}'";
    }
}
