using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Docs.Snippets;

// snippet-begin: file-store
/// <summary>
/// Keeps session group state in files under the app's content root (App_Data/livestate: a folder per group, a JSON file
/// per slot), so that it outlives a restart. An example of the contract for one server: no expiry, no cache, and other
/// servers would never hear of its changes.
/// </summary>
public sealed class FileSessionGroupStore : ISessionGroupStore
{
    // UpdateAsync must be atomic: each update of a group sees the result of the one before.
    private readonly ConcurrentDictionary<string, Lock> _locks = new(StringComparer.Ordinal);
    private readonly string _root;
    private readonly IOptions<LiveStateOptions> _options;

    public FileSessionGroupStore(IHostEnvironment environment, IOptions<LiveStateOptions> options)
    {
        _root = Directory.CreateDirectory(Path.Combine(environment.ContentRootPath, "App_Data", "livestate")).FullName;
        _options = options;
    }

    public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        lock (LockOf(groupId))
        {
            return ValueTask.FromResult(Read<T>(groupId, slotKey));
        }
    }

    public ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (LockOf(groupId))
        {
            var current = Read<T>(groupId, slotKey);
            var next = new SessionGroupSlot<T>(update(current?.Value), (current?.Version ?? 0) + 1);
            var path = SlotPath(groupId, slotKey);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path + ".new", JsonSerializer.SerializeToUtf8Bytes(next, _options.Value.JsonSerializerOptions));
            File.Move(path + ".new", path, overwrite: true);   // the old file or the new one, never half of either
            return ValueTask.FromResult(next);
        }
    }

    public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default)
    {
        lock (LockOf(groupId))
        {
            var folder = Path.Combine(_root, Name(groupId));
            var existed = Directory.Exists(folder);
            if (existed)
            {
                Directory.Delete(folder, recursive: true);
            }

            return ValueTask.FromResult(existed);
        }
    }

    public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        Directory.EnumerateDirectories(_root)
            .Select(folder => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(Path.GetFileName(folder))))
            .ToAsyncEnumerable();

    private SessionGroupSlot<T>? Read<T>(string groupId, string slotKey) where T : class
    {
        var path = SlotPath(groupId, slotKey);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<SessionGroupSlot<T>>(File.ReadAllBytes(path), _options.Value.JsonSerializerOptions)
            : null;
    }

    private Lock LockOf(string groupId) => _locks.GetOrAdd(groupId, static _ => new Lock());

    private string SlotPath(string groupId, string slotKey) => Path.Combine(_root, Name(groupId), Name(slotKey) + ".json");

    // Group ids and slot keys may hold any character: encode them into safe file names.
    private static string Name(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));
}
// snippet-end: file-store

public static class FileStoreSetup
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet-begin: add-store
        builder.Services.AddLiveState()
            .AddStore<FileSessionGroupStore>();
        // snippet-end: add-store
    }
}
