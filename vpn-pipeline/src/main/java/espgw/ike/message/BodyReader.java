package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * Bounds-checked reading of one payload body or substructure: every read that would run past the
 * end raises INVALID_SYNTAX naming the field, so no malformed length can reach Netty's own bounds
 * checks. Reads from the buffer's reader index up to a fixed end; does not own the buffer.
 */
final class BodyReader {
    private final ByteBuf buf;
    private final int end;
    private final String what;
    private int index;

    BodyReader(ByteBuf buf, int index, int length, String what) {
        this.buf = buf;
        this.index = index;
        this.end = index + length;
        this.what = what;
    }

    int remaining() {
        return end - index;
    }

    int index() {
        return index;
    }

    int u8(String field) throws IkeProtocolException {
        need(1, field);
        return buf.getUnsignedByte(index++);
    }

    int u16(String field) throws IkeProtocolException {
        need(2, field);
        int value = buf.getUnsignedShort(index);
        index += 2;
        return value;
    }

    int u32(String field) throws IkeProtocolException {
        need(4, field);
        int value = buf.getInt(index);
        index += 4;
        return value;
    }

    long u64(String field) throws IkeProtocolException {
        need(8, field);
        long value = buf.getLong(index);
        index += 8;
        return value;
    }

    void skip(int length, String field) throws IkeProtocolException {
        need(length, field);
        index += length;
    }

    byte[] bytes(int length, String field) throws IkeProtocolException {
        need(length, field);
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        index += length;
        return bytes;
    }

    byte[] rest() {
        byte[] bytes = new byte[remaining()];
        buf.getBytes(index, bytes);
        index = end;
        return bytes;
    }

    /** A reader over the next {@code length} octets, which this reader skips. */
    BodyReader sub(int length, String field) throws IkeProtocolException {
        need(length, field);
        BodyReader sub = new BodyReader(buf, index, length, field);
        index += length;
        return sub;
    }

    void expectEnd() throws IkeProtocolException {
        if (index != end) {
            throw IkeProtocolException.invalidSyntax(what + ": " + (end - index) + " octets left over");
        }
    }

    private void need(int length, String field) throws IkeProtocolException {
        if (length < 0 || end - index < length) {
            throw IkeProtocolException.invalidSyntax(what + ": " + field + " needs " + length + " octets, "
                    + (end - index) + " left");
        }
    }
}
