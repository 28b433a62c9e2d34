using System.Net.Sockets;
using System.Text;

namespace OpsConsole.Bench;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends a fixed request and reads whole responses (Content-Length or
/// chunked). The load generator runs on the same two cores as the console, so it must cost as little as wrk does;
/// HttpClient costs several times more per request and would measure the client rather than the server.
/// </summary>
public sealed class LeanHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    private LeanHttpConnection(Socket socket, byte[] request) => (_socket, _request) = (socket, request);

    public static async Task<LeanHttpConnection> OpenAsync(Uri baseUri, string method, string path, string token, string jsonBody)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(baseUri.Host, baseUri.Port);
        var body = Encoding.UTF8.GetBytes(jsonBody);
        var authorization = token.Length == 0 ? "" : $"Authorization: Bearer {token}\r\n"; // none: an anonymous request
        var head = $"{method} {path} HTTP/1.1\r\nHost: {baseUri.Authority}\r\n{authorization}" +
                   $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        return new LeanHttpConnection(socket, [.. Encoding.ASCII.GetBytes(head), .. body]);
    }

    /// <summary>Sends the request once and returns the status code and the body.</summary>
    public async Task<(int Status, ReadOnlyMemory<byte> Body)> SendAsync()
    {
        await _socket.SendAsync(_request, SocketFlags.None);
        var headerEnd = await FindAsync("\r\n\r\n"u8.ToArray());
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
        _start = headerEnd + 4;
        var status = int.Parse(head.AsSpan(9, 3));
        var lengthAt = head.IndexOf("\r\nContent-Length:", StringComparison.OrdinalIgnoreCase);
        if (lengthAt >= 0)
        {
            var valueStart = lengthAt + "\r\nContent-Length:".Length;
            var valueEnd = head.IndexOf("\r\n", valueStart, StringComparison.Ordinal);
            var length = int.Parse(head.AsSpan(valueStart, (valueEnd < 0 ? head.Length : valueEnd) - valueStart).Trim());
            await FillAsync(length);
            var body = _buffer.AsMemory(_start, length).ToArray();
            _start += length;
            return (status, body);
        }
        // Chunked: size line, data, CRLF … until a zero-size chunk and the closing CRLF.
        var collected = new List<byte>();
        while (true)
        {
            var lineEnd = await FindAsync("\r\n"u8.ToArray());
            var size = Convert.ToInt32(Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start).Split(';')[0].Trim(), 16);
            _start = lineEnd + 2;
            await FillAsync(size + 2);
            collected.AddRange(_buffer.AsSpan(_start, size).ToArray());
            _start += size + 2;
            if (size == 0)
            {
                return (status, collected.ToArray());
            }
        }
    }

    private async Task<int> FindAsync(byte[] marker)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
            if (at >= 0)
            {
                return _start + at;
            }
            await ReceiveAsync();
        }
    }

    private async Task FillAsync(int count)
    {
        while (_end - _start < count)
        {
            await ReceiveAsync();
        }
    }

    private async Task ReceiveAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }
        _end += read;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
