package espgw.esp;

import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** Buffer helpers for tests: payloads with ESP head- and tailroom, direct or heap. */
public final class Buffers {
    private Buffers() {
    }

    public enum Kind {
        POOLED_DIRECT,
        HEAP
    }

    /** A buffer holding {@code payload} with room for ESP in front and behind. */
    public static ByteBuf withRoom(Kind kind, byte[] payload) {
        int capacity = EspHeader.PAYLOAD_OFFSET + payload.length + EspHeader.MAX_TRAILER_OVERHEAD;
        ByteBuf buf = kind == Kind.HEAP ? Unpooled.buffer(capacity, capacity)
                : PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
        buf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET);
        buf.writeBytes(payload);
        return buf;
    }

    /** A buffer holding exactly {@code bytes}. */
    public static ByteBuf of(Kind kind, byte[] bytes) {
        ByteBuf buf = kind == Kind.HEAP ? Unpooled.buffer(bytes.length)
                : PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        return buf.writeBytes(bytes);
    }

    /** The readable bytes, then releases the buffer. */
    public static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
