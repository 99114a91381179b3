using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>Choosing the store from TRIGGERS_STORE.</summary>
public sealed class DeliveryStoresTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    public void SQLite_is_the_default(string? setting) =>
        Assert.Equal((DeliveryStores.StoreKind.Sqlite, null), DeliveryStores.Parse(setting));

    [Theory]
    [InlineData("postgres:Host=db;Database=triggers", "Host=db;Database=triggers")]
    [InlineData("postgresql: Host=db;Password=a:b ", "Host=db;Password=a:b")]
    [InlineData("Postgres:Host=db", "Host=db")]
    public void A_postgres_setting_carries_the_connection_string(string setting, string connectionString) =>
        Assert.Equal((DeliveryStores.StoreKind.PostgreSql, connectionString), DeliveryStores.Parse(setting));

    [Theory]
    [InlineData("postgres", "TRIGGERS_STORE says 'postgres' but gives no connection string after the colon: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    [InlineData("postgres:  ", "TRIGGERS_STORE says 'postgres' but gives no connection string after the colon: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    [InlineData("mysql", "TRIGGERS_STORE: 'mysql' is not a delivery store: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    [InlineData("postgress:Host=db;Password=s3cret", "TRIGGERS_STORE: 'postgress:' is not a delivery store: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    [InlineData("Host=db;Password=s3cret", "TRIGGERS_STORE: its value is not a delivery store: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    public void A_bad_setting_says_what_to_write_and_never_repeats_a_password(string setting, string expected)
    {
        var error = Assert.Throws<DeliveryStoreException>(() => DeliveryStores.Parse(setting));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task The_default_store_is_the_SQLite_file_in_the_data_folder()
    {
        var data = Path.Combine(Path.GetTempPath(), "triggerplugins-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var opened = await DeliveryStores.OpenAsync(null, data, DeliveryStoreOpenMode.CreateIfMissing);

            Assert.IsType<SqliteDeliveryStore>(opened.Store);
            Assert.Equal($"SQLite file {Path.Combine(data, SqliteDeliveryStore.FileName)}", opened.Description);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
