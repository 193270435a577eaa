using System.Reflection;

namespace LiveState.Blazor;

/// <summary>
/// Names the slot a state type is stored under. Without it the slot key is the type's full name; a stable
/// name keeps stored state readable across renames (it matters for stores that outlive the process).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SessionGroupSlotAttribute : Attribute
{
    /// <summary>Names the slot.</summary>
    /// <param name="key">The slot key: letters, digits, '.', '-' and '_' only.</param>
    public SessionGroupSlotAttribute(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"A slot key may hold letters, digits, '.', '-' and '_' only; '{key}' holds '{c}'.", nameof(key));
            }
        }

        Key = key;
    }

    /// <summary>The slot key.</summary>
    public string Key { get; }
}

/// <summary>The slot key of a state type, computed once per type.</summary>
internal static class SlotKey<T>
{
    public static readonly string Value = Compute();

    private static string Compute()
    {
        var key = typeof(T).GetCustomAttribute<SessionGroupSlotAttribute>()?.Key ?? typeof(T).FullName ?? typeof(T).Name;
        SlotTypes.Remember(key, typeof(T));
        return key;
    }
}

/// <summary>The state types this process has used, by slot key (for the dashboard, which reads slots it did not write).</summary>
internal static class SlotTypes
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);

    public static void Remember(string key, Type type) => Types.TryAdd(key, type);

    public static Type? Find(string key) => Types.TryGetValue(key, out var type) ? type : null;
}
