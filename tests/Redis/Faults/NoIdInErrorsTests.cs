using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Tests.Infrastructure;

namespace LiveState.Blazor.Redis.Tests.Faults;

/// <summary>
/// No whole browser id in any exception message or log line the Redis backend writes or lets through (issue 14,
/// item 9): Redis is paused (CLIENT PAUSE) past the client's timeouts while an update and a delete run.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class NoIdInErrorsTests
{
    // The client's timeouts; the pause outlasts them several times over.
    private const int TimeoutMs = 300;

    [Fact]
    public async Task TimedOutUpdatesAndDeletesNameNoWholeBrowserIdInExceptionsOrLogs()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var node = await LiveNode.StartAsync("s1", app, o => o.Configuration = $"{redis.EndPoint},syncTimeout={TimeoutMs},asyncTimeout={TimeoutMs}");
        var browserId = BrowserIdCookie.NewId();
        var group = LiveIdentity.BrowserGroup(browserId);
        node.Open(new LiveIdentity(group));
        await node.States.MutateAsync<Counter>(group, c => c.Value = 1);

        var errors = new List<Exception>();
        await admin.ExecuteAsync("CLIENT", "PAUSE", (TimeoutMs * 10).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        errors.Add(await Assert.ThrowsAsync<LiveStateUnavailableException>(async () => await node.States.MutateAsync<Counter>(group, c => c.Value++)));
        errors.Add(await Assert.ThrowsAsync<LiveStateUnavailableException>(async () => await node.States.DeleteAsync(group)));
        await admin.ExecuteAsync("CLIENT", "UNPAUSE");

        // Redis answers again: the group is still there (the delete may or may not have landed, so only the update is checked).
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await node.States.GetAsync<Counter>(group);
                return true;
            }
            catch (LiveStateUnavailableException)
            {
                return false;
            }
        }, "Redis answers again");

        var texts = new List<string>();
        foreach (var error in errors)
        {
            texts.Add(error.ToString());
            for (Exception? e = error; e is not null; e = e.InnerException)
            {
                texts.Add(e.Message);
                foreach (System.Collections.DictionaryEntry data in e.Data)
                {
                    texts.Add($"{data.Value} (Data[{data.Key}] of {e.GetType().Name})");
                }
            }
        }

        foreach (var entry in node.Logs.Entries)
        {
            texts.Add(entry.Message);
            if (entry.Exception is { } exception)
            {
                texts.Add(exception.ToString());
            }
        }

        Assert.Contains(texts, t => t.Contains("Timeout", StringComparison.OrdinalIgnoreCase));
        var leaks = texts.Where(t => t.Contains(browserId[..16], StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "A browser id reached a text:\n" + string.Join("\n---\n", leaks));
    }
}
