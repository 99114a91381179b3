using System.Text;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Host.Tests.Events;

/// <summary>Events as an attacker or a broken sender writes them: refused with a clear reason, never silently accepted.</summary>
public sealed class HostileEventTests
{
    private const string Rest = "\"kind\":\"call-end\",\"direction\":\"inbound\",\"status\":\"answered\",\"startTime\":\"2025-03-14T09:30:00Z\"";

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    public void An_empty_id_is_refused(string id)
    {
        var parsed = CallEventReader.Parse($"{{\"id\":{id},{Rest}}}", 4);

        Assert.False(parsed.Succeeded);
        Assert.Equal("line 4: id: must not be empty; every call event needs its own id (two events with one id are one event)", parsed.Error);
    }

    [Fact]
    public async Task Invalid_utf8_is_refused_with_its_line_and_the_next_lines_are_read()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"id\":\"u8-"));
        bytes.Add(0xFF);
        bytes.AddRange(Encoding.UTF8.GetBytes($"\",{Rest}}}\n{{\"id\":\"u8-"));
        bytes.Add(0xFE);
        bytes.AddRange(Encoding.UTF8.GetBytes($"\",{Rest}}}\n{{\"id\":\"ok\",{Rest}}}\n"));

        var lines = await ReadAllAsync(new MemoryStream([.. bytes]));

        Assert.Equal(3, lines.Count);
        Assert.Equal("line 1, column 11: not valid UTF-8 (byte 0xff at byte 11); write the events as UTF-8", lines[0].Error);
        Assert.Equal("line 2, column 11: not valid UTF-8 (byte 0xfe at byte 11); write the events as UTF-8", lines[1].Error);
        Assert.Equal("ok", lines[2].Event?.Id);
    }

    [Fact]
    public void A_replacement_character_in_an_id_read_as_text_is_refused()
    {
        var parsed = CallEventReader.Parse($"{{\"id\":\"u8-\uFFFD\",{Rest}}}", 1);

        Assert.Contains("id: contains U+FFFD (a byte that was not valid UTF-8)", parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"status\":0", "status", "answered, unanswered, abandoned, busy, failed")]
    [InlineData("\"status\":99", "status", "answered, unanswered, abandoned, busy, failed")]
    [InlineData("\"kind\":2", "kind", "call-start, agent-connect, call-end, abandon")]
    [InlineData("\"direction\":5", "direction", "inbound, outbound")]
    [InlineData("\"direction\":\"1\"", "direction", "inbound, outbound")]
    public void Numbers_are_refused_in_enum_fields_with_the_allowed_values(string replacement, string field, string allowed)
    {
        var defaults = new Dictionary<string, string> { ["kind"] = "\"kind\":\"call-end\"", ["direction"] = "\"direction\":\"inbound\"", ["status"] = "\"status\":\"answered\"" };
        defaults[field] = replacement;
        var line = $"{{\"id\":\"c1\",{string.Join(',', defaults.Values)},\"startTime\":\"2025-03-14T09:30:00Z\"}}";

        var parsed = CallEventReader.Parse(line, 1);

        Assert.False(parsed.Succeeded, $"accepted {replacement}");
        Assert.Contains($"{field}: found ", parsed.Error, StringComparison.Ordinal);
        Assert.Contains($"expected one of: {allowed}", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_text_fields_and_variables_over_their_limits_are_refused()
    {
        var longId = CallEventReader.Parse($"{{\"id\":\"{new string('a', CallEventLimits.MaxIdLength + 1)}\",{Rest}}}", 1);
        var longQueue = CallEventReader.Parse($"{{\"id\":\"c1\",\"queue\":\"{new string('q', CallEventLimits.MaxTextLength + 1)}\",{Rest}}}", 1);
        var variables = string.Join(',', Enumerable.Range(0, CallEventLimits.MaxVariables + 1).Select(i => $"\"v{i}\":\"x\""));
        var manyVariables = CallEventReader.Parse($"{{\"id\":\"c1\",\"variables\":{{{variables}}},{Rest}}}", 1);

        Assert.Equal($"line 1: id: is 101 characters, over the limit of {CallEventLimits.MaxIdLength}", longId.Error);
        Assert.Equal($"line 1: queue: is 4097 characters, over the limit of {CallEventLimits.MaxTextLength}", longQueue.Error);
        Assert.Equal($"line 1: variables: has 257 entries, over the limit of {CallEventLimits.MaxVariables}", manyVariables.Error);
        Assert.True(CallEventReader.Parse($"{{\"id\":\"{new string('a', CallEventLimits.MaxIdLength)}\",{Rest}}}", 1).Succeeded);
    }

    [Fact]
    public void The_limits_have_the_documented_defaults()
    {
        // README "Security and data" states these figures.
        Assert.Equal((1024 * 1024, 100, 4096, 256, 128), (CallEventLimits.Default.MaxLineBytes, CallEventLimits.MaxIdLength, CallEventLimits.MaxTextLength, CallEventLimits.MaxVariables, CallEventLimits.MaxVariableNameLength));
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        Assert.Contains("lines up to 1 MiB (`--max-line-bytes`, at most 16 MiB)", readme, StringComparison.Ordinal);
        Assert.Equal(16 * 1024 * 1024, CallEventLimits.UpperMaxLineBytes);
        Assert.Contains("ids up to 100 characters, other text fields up to 4096, at most 256 variables (names up to 128 characters)", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_line_is_reported_with_its_number_and_size_and_the_next_line_is_processed()
    {
        const int lineBytes = 8 * 1024 * 1024;
        var stream = new ConcatenatedStream(
            Encoding.UTF8.GetBytes($"{{\"id\":\"first\",{Rest}}}\n{{\"id\":\"huge\",\"queue\":\""),
            new RepeatingBytes((byte)'x', lineBytes),
            Encoding.UTF8.GetBytes($"\",{Rest}}}\r\n{{\"id\":\"after\",{Rest}}}"));
        var limits = new CallEventLimits { MaxLineBytes = 64 * 1024 };

        var lines = await ReadAllAsync(stream, limits);

        Assert.Equal(["first", null, "after"], lines.Select(l => l.Event?.Id));
        Assert.Equal(2, lines[1].LineNumber);
        Assert.Matches(@"^line 2: the line is \d+ bytes, over the limit of 65536 bytes \(--max-line-bytes\); it was skipped$", lines[1].Error);
        Assert.True(stream.Position > lineBytes, "the whole line was read past, not just its start");
    }

    [Fact]
    public async Task An_oversized_line_is_never_held_in_memory()
    {
        const int lineBytes = 64 * 1024 * 1024;
        var stream = new ConcatenatedStream(Encoding.UTF8.GetBytes("{\"id\":\""), new RepeatingBytes((byte)'x', lineBytes), Encoding.UTF8.GetBytes($"\",{Rest}}}\n"));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var lines = await ReadAllAsync(stream, new CallEventLimits { MaxLineBytes = 64 * 1024 });

        // Other tests may allocate meanwhile; a line held in memory would cost 64 MB as bytes and 128 MB as text.
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains("over the limit of 65536 bytes", Assert.Single(lines).Error, StringComparison.Ordinal);
        Assert.True(allocated < 32 * 1024 * 1024, $"reading the line allocated {allocated / (1024 * 1024)} MB");
    }

    private static async Task<List<ParsedCallEvent>> ReadAllAsync(Stream stream, CallEventLimits? limits = null)
    {
        var lines = new List<ParsedCallEvent>();
        await foreach (var line in CallEventReader.ReadAsync(stream, limits))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>A stream of <paramref name="count"/> copies of one byte, produced as it is read (never held in memory).</summary>
    private sealed class RepeatingBytes(byte value, long count) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => count;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int length)
        {
            var n = (int)Math.Min(length, count - _position);
            buffer.AsSpan(offset, n).Fill(value);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Several streams read one after the other.</summary>
    private sealed class ConcatenatedStream(params object[] parts) : Stream
    {
        private readonly Queue<Stream> _parts = new(parts.Select(p => p as Stream ?? new MemoryStream((byte[])p)));
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_parts.TryPeek(out var part))
            {
                var n = part.Read(buffer, offset, count);
                if (n > 0)
                {
                    _position += n;
                    return n;
                }

                _parts.Dequeue().Dispose();
            }

            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
