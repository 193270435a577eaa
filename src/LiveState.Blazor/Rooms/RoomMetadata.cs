namespace LiveState.Blazor.Rooms;

/// <summary>The bounds of a member's metadata, which lives in the room's state and reaches every member.</summary>
internal static class RoomMetadata
{
    public const int MaxEntries = 32;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 1024;

    public static IReadOnlyDictionary<string, string> Empty { get; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>A private copy of <paramref name="metadata"/>, checked against the bounds.</summary>
    /// <exception cref="ArgumentException">Too many entries, or a key or value too long.</exception>
    public static IReadOnlyDictionary<string, string> Copy(IReadOnlyDictionary<string, string> metadata, string paramName)
    {
        ArgumentNullException.ThrowIfNull(metadata, paramName);
        if (metadata.Count > MaxEntries)
        {
            throw new ArgumentException($"A member's metadata holds at most {MaxEntries} entries; this has {metadata.Count}.", paramName);
        }

        var copy = new Dictionary<string, string>(metadata.Count, StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
            {
                throw new ArgumentException($"A metadata key has 1-{MaxKeyLength} characters.", paramName);
            }

            if (value is null || value.Length > MaxValueLength)
            {
                throw new ArgumentException($"A metadata value is not null and has at most {MaxValueLength} characters; that of '{key}' is not.", paramName);
            }

            copy[key] = value;
        }

        return copy;
    }

    public static bool AreEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
