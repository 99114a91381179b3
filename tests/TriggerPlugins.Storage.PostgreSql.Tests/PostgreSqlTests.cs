namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>The test classes that share one throwaway PostgreSQL cluster (<see cref="PostgreSqlServer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlTests : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// The three-host test, on a cluster of its own: it runs for about 70 s, mostly waiting on the time-scaled budget
/// windows, so it overlaps the other PostgreSQL tests instead of following them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlHostsTests : ICollectionFixture<PostgreSqlServer>
{
    public const string Name = "PostgreSQL hosts";
}

/// <summary>The cluster as an xunit fixture: started before the collection's first test, removed after its last.</summary>
public sealed class PostgreSqlServer : IAsyncLifetime
{
    public PostgreSqlCluster Cluster { get; } = new();

    public Task InitializeAsync() => Cluster.StartAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}
