using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Binds <see cref="RedisLiveStateOptions"/> from a configuration section: a plain value is the connection string,
/// an object's keys are the options. What cannot be bound is recorded, naming the option, for the validator to
/// report when the app starts (the configuration binder's own exception names a configuration path and is thrown
/// from wherever the options are first read).
/// </summary>
internal static class RedisOptionsBinding
{
    // Objects made in code: a configuration value cannot say what they are.
    private static readonly string[] s_codeOnly = [nameof(RedisLiveStateOptions.ConfigurationOptions), nameof(RedisLiveStateOptions.ConnectionFactory)];

    private static readonly PropertyInfo[] s_bindable = typeof(RedisLiveStateOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && !s_codeOnly.Contains(p.Name, StringComparer.Ordinal))
        .ToArray();

    public static void Bind(IConfiguration configuration, RedisLiveStateOptions options)
    {
        if (configuration is IConfigurationSection { Value: { } connection } && !string.IsNullOrWhiteSpace(connection))
        {
            options.Configuration = connection;
        }

        foreach (var child in configuration.GetChildren())
        {
            if (s_codeOnly.FirstOrDefault(n => string.Equals(n, child.Key, StringComparison.OrdinalIgnoreCase)) is { } codeOnly)
            {
                Fail(options, $"RedisLiveStateOptions.{codeOnly} cannot be set from configuration (key '{child.Path}'): set it in code, "
                    + "or put the connection string in RedisLiveStateOptions.Configuration.");
                continue;
            }

            var property = s_bindable.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                // A misspelt key would otherwise be ignored and its option keep its default without a word.
                Fail(options, $"RedisLiveStateOptions has no option '{child.Key}' (configuration key '{child.Path}'). "
                    + $"The options configuration can set: {string.Join(", ", s_bindable.Select(p => p.Name))}.");
                continue;
            }

            if (child.Value is null && !child.GetChildren().Any())
            {
                continue;
            }

            try
            {
                if (child.Get(property.PropertyType) is { } value)
                {
                    property.SetValue(options, value);
                }
            }
            catch (InvalidOperationException)
            {
                Fail(options, $"RedisLiveStateOptions.{property.Name}: the configuration value '{child.Value}' at '{child.Path}' "
                    + $"is not a {Describe(property.PropertyType)}.");
            }
        }
    }

    private static string Describe(Type type) =>
        type == typeof(TimeSpan) ? "TimeSpan (for example \"00:00:02\" for two seconds)"
        : type == typeof(bool) ? "bool (true or false)"
        : type.Name;

    private static void Fail(RedisLiveStateOptions options, string failure) => (options.ConfigurationFailures ??= []).Add(failure);
}
