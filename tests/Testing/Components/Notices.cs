using LiveState.Blazor;

namespace LiveState.Blazor.Testing.Tests.Components;

// snippet-begin: notices
/// <summary>App code outside any circuit (an admin page, a job): leaves a notice for a user and re-renders only that user's tabs.</summary>
public sealed class Notices(ISessionGroupStateService groups, ILiveBroadcaster broadcaster)
{
    public async Task<int> SendAsync(string userId, string text)
    {
        await groups.MutateAsync<NoticeBoard>(NoticeBoard.GroupId, board => board.ByUser[userId] = text);
        return await broadcaster.BroadcastToUsersAsync([userId]);
    }
}
// snippet-end: notices
