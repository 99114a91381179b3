using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator;

namespace TriggerPlugins.Tests.Shared;

/// <summary>
/// More Dynamics users for load runs: app registrations in the seed's first tenant, each with its application user
/// (a <c>systemuser</c> whose <c>applicationid</c> is the client id), for an account's <c>applicationUsers</c>. The
/// emulator counts its service protection limits per user, as Dataverse does.
/// </summary>
public static class ExtraApplicationUsers
{
    /// <summary>Adds <paramref name="count"/> users to <paramref name="seed"/>; <paramref name="offset"/> keeps the ids of several calls apart.</summary>
    public static IReadOnlyList<(string ClientId, string Secret)> AddTo(EmulatorSeed seed, int count, int offset = 0)
    {
        var users = Enumerable.Range(offset + 1, count)
            .Select(n => (ClientId: new Guid(n, 0x1234, 0x4abc, 0x8d, 0xef, 0, 0, 0, 0, (byte)(n >> 8), (byte)n).ToString("D"), Secret: $"bench-secret-{n}"))
            .ToList();
        foreach (var (clientId, secret) in users)
        {
            seed.Tenants[0].Applications.Add(new SeedApplication { ClientId = Guid.Parse(clientId), DisplayName = $"Bench user {clientId}", ClientSecret = secret });
            seed.Records["systemusers"].Add(new JsonObject { ["fullname"] = $"Bench user {clientId}", ["applicationid"] = clientId });
        }

        return users;
    }

    /// <summary>The account's <c>applicationUsers</c> array for <paramref name="users"/>.</summary>
    public static JsonArray AsJson(IEnumerable<(string ClientId, string Secret)> users)
        => new([.. users.Select(u => (JsonNode)new JsonObject { ["clientId"] = u.ClientId, ["clientSecret"] = u.Secret })]);
}
