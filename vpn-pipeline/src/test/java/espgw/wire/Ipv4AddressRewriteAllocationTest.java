package espgw.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path allocates nothing: validation plus two rewrites of an ICMP error (the
 * longest path) in a loop must not grow this thread's allocated bytes. The buffer wraps a plain
 * direct ByteBuffer so the leak detector's access records (which allocate) stay out of the count.
 */
class Ipv4AddressRewriteAllocationTest {
    private static final int ROUNDS = 100_000;

    @Test
    void rewritingAllocatesNothing() {
        byte[] quoted = new TestDatagram(Ipv4Header.PROTOCOL_UDP, 0x0A000001, 0x0A000002,
                TestDatagram.udp(1, 2, new byte[] {3})).build();
        byte[] error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, 0x0A000002, 0x0A000001,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, quoted)).build();
        ByteBuffer direct = ByteBuffer.allocateDirect(error.length);
        direct.put(error).flip();
        ByteBuf packet = Unpooled.wrappedBuffer(direct);

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        rewriteBackAndForth(packet); // warm up
        long before = threads.getThreadAllocatedBytes(thread);
        rewriteBackAndForth(packet);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(allocated < 1024, allocated + " bytes allocated for " + 2 * ROUNDS + " rewrites");
        assertEquals(0x0A000002, Ipv4Header.sourceAddress(packet, 0));
        byte[] after = new byte[error.length];
        packet.getBytes(0, after);
        TestDatagram.assertChecksumsValid(after);
    }

    private static void rewriteBackAndForth(ByteBuf packet) {
        for (int i = 0; i < ROUNDS; i++) {
            if (!Ipv4AddressRewrite.isRewritable(packet, 0, packet.readableBytes())) {
                throw new AssertionError("not rewritable");
            }
            Ipv4AddressRewrite.rewriteSource(packet, 0, 0x0A000102);
            Ipv4AddressRewrite.rewriteSource(packet, 0, 0x0A000002);
        }
    }
}
