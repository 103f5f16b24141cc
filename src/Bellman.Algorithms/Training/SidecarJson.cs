using System.Reflection;
using System.Text.Json;

namespace Bellman.Algorithms.Training;

/// <summary>
/// Reads typed records out of a checkpoint sidecar and turns System.Text.Json's "could not be converted
/// to Bellman.Algorithms.Training.CheckpointMetadata. Path: $.Step" into a sentence a user can act on:
/// which file, which key, what value it holds and what the key takes.
/// </summary>
internal static class SidecarJson
{
    /// <summary>
    /// Deserializes <paramref name="element"/> (found at <paramref name="where"/> in <paramref name="file"/>, e.g.
    /// <c>metadata</c>) as <typeparamref name="T"/>; a value of the wrong type is an <see cref="InvalidDataException"/>
    /// naming the file, the key, the value and the expected type.
    /// </summary>
    public static T Read<T>(JsonElement element, string file, string where) where T : class
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{file}: \"{where}\" is {Show(element)}, but must be an object.");
        try
        {
            return element.Deserialize<T>() ?? throw new InvalidDataException($"{file}: \"{where}\" is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: {Explain(e.Path, element, typeof(T), where)}", e);
        }
    }

    /// <summary>The sentence for a conversion failure at the JSON path <paramref name="path"/> (<c>$.Step</c>, <c>$.ObservationSpace.Shape[0]</c>).</summary>
    internal static string Explain(string? path, JsonElement root, Type type, string where)
    {
        var (key, value, expected) = Walk(path, root, type);
        string name = key.Length == 0 ? where : $"{where}.{key}";
        return value is JsonElement v
            ? $"\"{name}\" is {Show(v)}, but must be {expected}."
            : $"\"{name}\" is malformed: it must be {expected}.";
    }

    // Follows the path through the JSON and the record's properties together, so that the message can say
    // both what was there and what the property takes.
    private static (string Key, JsonElement? Value, string Expected) Walk(string? path, JsonElement root, Type type)
    {
        var keys = new List<string>();
        JsonElement? node = root;
        Type current = type;
        foreach (string segment in Segments(path))
        {
            if (segment.StartsWith('['))
            {
                keys[^1] += segment;
                current = ElementType(current) ?? typeof(object);
                node = node is { ValueKind: JsonValueKind.Array } a && int.TryParse(segment[1..^1], out int i) && i < a.GetArrayLength() ? a[i] : null;
                continue;
            }
            keys.Add(segment);
            var property = current.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            current = property?.PropertyType ?? (ElementType(current) ?? typeof(object));
            node = node is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(segment, out var child) ? child : null;
        }
        return (string.Join('.', keys), node, Describe(current));
    }

    private static IEnumerable<string> Segments(string? path)
    {
        if (string.IsNullOrEmpty(path)) yield break;
        int i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0) yield break;
                string inside = path[(i + 1)..end];
                // ['key with dots'] is a property; [3] an index.
                yield return inside.StartsWith('\'') ? inside.Trim('\'') : path[i..(end + 1)];
                i = end + 1;
            }
            else i++;
        }
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericArguments() is { Length: > 0 } args) return args[^1];
        return null;
    }

    /// <summary>What a value of <paramref name="type"/> looks like in JSON, for a message.</summary>
    internal static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int)) return "an integer (32-bit)";
        if (type == typeof(long)) return "an integer";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type.IsArray) return $"an array of {Plural(Describe(type.GetElementType()!))}";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            return $"an object whose values are {Plural(Describe(type.GetGenericArguments()[1]))}";
        return "an object";
    }

    private static string Plural(string description) => description switch
    {
        "an integer (32-bit)" or "an integer" => "integers",
        "a number" => "numbers",
        "a string" => "strings",
        "true or false" => "booleans",
        _ => description.StartsWith("an ", StringComparison.Ordinal) ? description[3..] + "s" : description,
    };

    /// <summary>A JSON value as a message shows it: strings quoted, long ones cut.</summary>
    internal static string Show(JsonElement value)
    {
        string text = value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.Null => "null",
            _ => value.GetRawText(),
        };
        return text.Length > 40 ? text[..37] + "..." : text;
    }
}
