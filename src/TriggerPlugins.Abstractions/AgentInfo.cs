namespace TriggerPlugins.Abstractions;

/// <summary>The agent who handled a call.</summary>
public sealed record AgentInfo
{
    /// <summary>The agent's id in the contact center.</summary>
    public string? Id { get; init; }

    /// <summary>The agent's display name.</summary>
    public string? Name { get; init; }

    /// <summary>The agent's email: integrations use it to find the same person elsewhere.</summary>
    public string? Email { get; init; }

    /// <summary>The agent's phone extension.</summary>
    public string? Extension { get; init; }
}
