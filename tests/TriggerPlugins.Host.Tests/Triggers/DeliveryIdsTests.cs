using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Triggers;

public sealed class DeliveryIdsTests
{
    [Fact]
    public void The_id_is_deterministic()
    {
        Assert.Equal(DeliveryIds.Create("call-1", "inbound", 0), DeliveryIds.Create("call-1", "inbound", 0));
    }

    [Fact]
    public void Every_part_changes_the_id()
    {
        var ids = new[]
        {
            DeliveryIds.Create("call-1", "inbound", 0),
            DeliveryIds.Create("call-2", "inbound", 0),
            DeliveryIds.Create("call-1", "outbound", 0),
            DeliveryIds.Create("call-1", "inbound", 1),
            DeliveryIds.Create("a|b", "c", 0),
            DeliveryIds.Create("a", "b|c", 0),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void The_id_is_a_version_8_uuid()
    {
        var id = DeliveryIds.Create("call-1", "inbound", 0);

        Assert.True(Guid.TryParseExact(id, "D", out var guid));
        Assert.Equal(8, guid.Version);
        Assert.Equal('8', id[14]);
    }
}
