namespace LiveState.Blazor;

/// <summary>
/// The backend that holds session group state (Redis, when scaled out) could not be reached, so the operation
/// was not applied. Pages still render; catch this around updates to tell the user to try again.
/// </summary>
public sealed class LiveStateUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LiveStateUnavailableException()
        : base("Session group state is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public LiveStateUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The backend's exception.</param>
    public LiveStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
