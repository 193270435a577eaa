using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LiveState.Blazor.State;

/// <summary>
/// Checks, once per slot type and serializer options, that a value of the type survives the System.Text.Json round
/// trip every slot goes through: the copy of a mutate-a-copy update, and any store that serializes (Redis). A type that
/// would silently lose content (a get-only collection, a private setter, a field, an interface-typed member) is refused
/// with an exception that names the type and the member and says how to fix it.
/// </summary>
internal static class SlotTypeCheck
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, ConcurrentDictionary<Type, string?>> Checked = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> when <typeparamref name="T"/> cannot be stored without losing data.</summary>
    public static void Ensure<T>(JsonSerializerOptions json) where T : class
    {
        if (Verdict<T>.Options == json)
        {
            return;
        }

        var problems = Checked.GetValue(json, static _ => new ConcurrentDictionary<Type, string?>())
            .GetOrAdd(typeof(T), static (type, options) => Describe(type, options), json);
        if (problems is not null)
        {
            throw new InvalidOperationException(problems);
        }

        Verdict<T>.Options = json;
    }

    /// <summary>The problems of <paramref name="type"/> as one message, or null when it round-trips.</summary>
    internal static string? Describe(Type type, JsonSerializerOptions json)
    {
        var problems = new List<string>();
        try
        {
            // What the first serialization would do anyway: lock the options, with the default resolver if none is set.
            if (!json.IsReadOnly)
            {
                json.MakeReadOnly(populateMissingResolver: true);
            }

            Visit(type, json, path: type.Name, problems, new HashSet<Type>());
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            problems.Add($"System.Text.Json cannot handle it: {ex.Message}");
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var message = new StringBuilder()
            .Append("LiveState cannot use ").Append(Name(type)).Append(" as a slot type: every slot is copied and stored through System.Text.Json, and ")
            .Append(problems.Count == 1 ? "this member" : "these members").Append(" would lose data silently.");
        foreach (var problem in problems)
        {
            message.AppendLine().Append(" - ").Append(problem);
        }

        return message.ToString();
    }

    private static void Visit(Type type, JsonSerializerOptions json, string path, List<string> problems, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }

        if (type == typeof(object))
        {
            problems.Add($"{path} is declared as object: it comes back as a JsonElement, not the value stored. Declare the member's real type.");
            return;
        }

        var info = json.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                Visit(info.ElementType!, json, path + "[]", problems, seen);
                return;
            case JsonTypeInfoKind.Dictionary:
                Visit(info.ElementType!, json, path + "[key]", problems, seen);
                return;
            case JsonTypeInfoKind.None:
                // A value System.Text.Json reads and writes whole (numbers, strings, dates, enums, custom converters).
                return;
        }

        if ((type.IsAbstract || type.IsInterface) && info.PolymorphismOptions is null)
        {
            problems.Add($"{path} is declared as {Name(type)}, an {(type.IsInterface ? "interface" : "abstract class")}: the copy cannot create it. Declare a concrete type, or configure polymorphism ([JsonPolymorphic] with [JsonDerivedType]).");
            return;
        }

        if (type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)))
        {
            // The framework's own types (KeyValuePair and the like) are System.Text.Json's to get right: look only at
            // what they carry. Value tuples keep their items in fields, which it leaves out unless told otherwise.
            if (type.IsValueType && type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true && !json.IncludeFields)
            {
                problems.Add($"{path} is a value tuple: System.Text.Json writes it as {{}} unless JsonSerializerOptions.IncludeFields is set. Use a record instead.");
                return;
            }

            foreach (var carried in info.Properties)
            {
                Visit(carried.PropertyType, json, $"{path}.{carried.Name}", problems, seen);
            }

            return;
        }

        var handling = info.PreferredPropertyObjectCreationHandling ?? json.PreferredObjectCreationHandling;
        var byMember = new Dictionary<MemberInfo, JsonPropertyInfo>();
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider is MemberInfo member)
            {
                byMember[member] = property;
            }
        }

        foreach (var property in Properties(type))
        {
            if (Ignored(property))
            {
                // Left out on purpose: losing it in the copy is what [JsonIgnore] asks for.
                continue;
            }

            var holdsState = BackingField(property) is not null || property.SetMethod is not null;
            var memberPath = $"{path}.{property.Name}";
            if (!byMember.TryGetValue(property, out var serialized))
            {
                if (holdsState)
                {
                    problems.Add($"{memberPath} ({Name(property.PropertyType)}) is not serialized ({(property.GetMethod?.IsPublic == true ? "System.Text.Json's options leave it out" : "it is not public")}). Make it a public property with a public setter or init, or mark it [JsonInclude]; mark it [JsonIgnore] if losing it is intended.");
                }

                continue;
            }

            if (serialized.Set is null && serialized.AssociatedParameter is null && holdsState)
            {
                var populated = (serialized.ObjectCreationHandling ?? handling) == JsonObjectCreationHandling.Populate;
                if (!populated)
                {
                    problems.Add($"{memberPath} ({Name(property.PropertyType)}) has no setter System.Text.Json can use, so its content is dropped on every copy. Give it a public setter or init, take it as a constructor parameter, or mark it [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)].");
                    continue;
                }
            }

            Visit(property.PropertyType, json, memberPath, problems, seen);
        }

        foreach (var field in Fields(type))
        {
            if (field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal))
            {
                // An auto-property's storage: the property rule above decides.
                continue;
            }

            var fieldPath = $"{path}.{field.Name}";
            if (Ignored(field))
            {
                continue;
            }

            if (!byMember.TryGetValue(field, out var serialized))
            {
                problems.Add($"{fieldPath} is a {(field.IsPublic ? "public" : "non-public")} field, which System.Text.Json does not carry. Turn it into a public property with a setter (or mark a public field [JsonInclude]); mark it [JsonIgnore] if losing it is intended.");
                continue;
            }

            if (serialized.Set is null && serialized.AssociatedParameter is null)
            {
                problems.Add($"{fieldPath} is read-only, so System.Text.Json cannot set it. Make it writable or a constructor parameter.");
                continue;
            }

            Visit(field.FieldType, json, fieldPath, problems, seen);
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var property in current.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // Indexers hold no state of their own; records' EqualityContract is compiler plumbing.
                if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
                {
                    yield return property;
                }
            }
        }
    }

    private static IEnumerable<FieldInfo> Fields(Type type)
    {
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return field;
            }
        }
    }

    private static FieldInfo? BackingField(PropertyInfo property) =>
        property.DeclaringType?.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);

    private static bool Ignored(MemberInfo member) =>
        member.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always }
        || member.IsDefined(typeof(NonSerializedAttribute));

    private static string Name(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
            : type.Name;

    /// <summary>The options a type last passed the check with: the common case costs one reference comparison.</summary>
    private static class Verdict<T>
    {
        public static JsonSerializerOptions? Options;
    }
}
