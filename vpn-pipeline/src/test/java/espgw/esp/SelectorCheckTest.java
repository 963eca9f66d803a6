package espgw.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.crypto.AeadAlgorithm;
import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.nat.Ipv4Prefix;
import espgw.sa.ReplayWindow;
import espgw.sa.SaSelectors;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 4301 §5.2 behind the decryption: {@link EspInbound} then {@link SelectorCheck} on one
 * {@link EmbeddedChannel}, for an SA negotiated for a peer (10.0.0.2) and the network behind it
 * (172.16.0.0/24) to this gateway (10.0.0.1).
 */
class SelectorCheckTest {
    private static final int PEER = Ipv4Prefix.parseAddress("10.0.0.2");
    private static final int BEHIND_PEER = Ipv4Prefix.parseAddress("172.16.0.99");
    private static final int LOCAL = Ipv4Prefix.parseAddress("10.0.0.1");
    /** Another peer's address on the same LAN: what a spoofing peer would claim to be. */
    private static final int OTHER_PEER = Ipv4Prefix.parseAddress("10.0.0.3");

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final InboundContext context = new InboundContext();
    private final Tunnel tunnel = new Tunnel(AeadAlgorithm.AES_GCM_128, true, 1, ReplayWindow.DEFAULT_SIZE,
            SaSelectors.builder().source(PEER, PEER)
                    .source(Ipv4Prefix.parseAddress("172.16.0.0"), Ipv4Prefix.parseAddress("172.16.0.255"))
                    .destination(LOCAL, LOCAL).build());
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new EspInbound(tunnel.receiver, context, drops), new SelectorCheck(context, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void packetsWithinTheSelectorsPassUnchanged() {
        for (int source : new int[] {PEER, BEHIND_PEER}) {
            byte[] inner = inner(source, LOCAL);
            channel.writeInbound(seal(inner));
            ByteBuf passed = channel.readInbound();
            assertArrayEquals(inner, Buffers.drain(passed));
        }
        assertEquals(0, drops.total(), drops.toString());
    }

    @Test
    void aForgedSourceIsDroppedCountedAndReleased() {
        for (int forged : new int[] {OTHER_PEER, LOCAL, Ipv4Prefix.parseAddress("172.16.1.0"),
                Ipv4Prefix.parseAddress("200.0.0.1")}) {
            ByteBuf packet = seal(inner(forged, LOCAL));
            channel.writeInbound(packet);
            assertNull(channel.readInbound(), Ipv4Prefix.format(forged));
            assertEquals(0, packet.refCnt(), "released");
        }
        assertEquals(4, drops.count(DropReason.TS_MISMATCH));
        assertEquals(4, drops.total(), "authentic packets: no other reason");
    }

    @Test
    void aDestinationOutsideTheSelectorsIsDropped() {
        ByteBuf packet = seal(inner(PEER, OTHER_PEER));
        channel.writeInbound(packet);
        assertNull(channel.readInbound());
        assertEquals(0, packet.refCnt());
        assertEquals(1, drops.count(DropReason.TS_MISMATCH));
    }

    @Test
    void aPacketWithoutAnSaIsABugAndIsReleased() {
        EmbeddedChannel alone = new EmbeddedChannel(new SelectorCheck(context, drops));
        ByteBuf packet = Buffers.of(Buffers.Kind.POOLED_DIRECT, inner(PEER, LOCAL));
        assertThrows(IllegalStateException.class, () -> alone.writeInbound(packet));
        assertEquals(0, packet.refCnt());
        assertFalse(alone.finishAndReleaseAll());
    }

    private static byte[] inner(int source, int destination) {
        byte[] packet = Tunnel.innerPacket(new Random(source), 60);
        write(packet, 12, source);
        write(packet, 16, destination);
        return packet;
    }

    private static void write(byte[] packet, int offset, int address) {
        for (int i = 0; i < 4; i++) {
            packet[offset + i] = (byte) (address >>> (24 - 8 * i));
        }
    }

    private ByteBuf seal(byte[] inner) {
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, inner);
        assertNull(tunnel.encryptor.encrypt(tunnel.outbound, buf));
        return buf;
    }
}
