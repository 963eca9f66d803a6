package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Forged, damaged and policy-violating packets: each dropped, released and counted. */
class EspTamperTest {
    private final CountingDropRecorder drops = new CountingDropRecorder();

    @ParameterizedTest(name = "{0} esn={1} inner={2}")
    @CsvSource({"AES_GCM_128,false,20", "AES_GCM_256,true,61", "CHACHA20_POLY1305,true,100"})
    void everySingleBitFlipIsRejected(AeadAlgorithm algorithm, boolean esn, int innerLength) {
        Tunnel tunnel = new Tunnel(algorithm, esn, (1L << 32) - 2);
        EmbeddedChannel channel = inbound(tunnel);
        byte[] inner = Tunnel.innerPacket(new Random(1), innerLength);
        byte[] packet = seal(tunnel, inner);
        Set<DropReason> seen = EnumSet.noneOf(DropReason.class);
        for (int bit = 0; bit < packet.length * 8; bit++) {
            byte[] forged = packet.clone();
            forged[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            long before = drops.total();
            channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, forged));
            assertNull(channel.readInbound(), "bit " + bit + " accepted");
            assertEquals(before + 1, drops.total(), "bit " + bit + " counted once");
        }
        // SPI bits find no SA, everything else fails the ICV (or, for a sequence number pushed out
        // of the window, the replay check).
        seen.addAll(EnumSet.allOf(DropReason.class));
        seen.removeIf(r -> drops.count(r) == 0);
        assertTrue(EnumSet.of(DropReason.NO_SA, DropReason.ICV, DropReason.REPLAY).containsAll(seen), drops.toString());
        assertEquals(32, drops.count(DropReason.NO_SA));
        // Forgeries moved nothing: the genuine packet is still accepted.
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, packet));
        ByteBuf out = channel.readInbound();
        assertEquals(ByteBufUtil.hexDump(inner), ByteBufUtil.hexDump(out));
        out.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void truncationAtEveryLengthIsRejected() {
        Tunnel tunnel = new Tunnel(AeadAlgorithm.AES_GCM_128, true, 1);
        EmbeddedChannel channel = inbound(tunnel);
        byte[] packet = seal(tunnel, Tunnel.innerPacket(new Random(2), 57));
        for (int length = 0; length < packet.length; length++) {
            ByteBuf truncated = Buffers.of(Buffers.Kind.POOLED_DIRECT, java.util.Arrays.copyOf(packet, length));
            channel.writeInbound(truncated);
            assertNull(channel.readInbound());
            assertEquals(0, truncated.refCnt(), "released");
        }
        assertEquals(EspHeader.MIN_PACKET_LENGTH, drops.count(DropReason.MALFORMED), "too short to be ESP");
        assertEquals(packet.length - EspHeader.MIN_PACKET_LENGTH, drops.count(DropReason.ICV), "ICV cut off");
        channel.finishAndReleaseAll();
    }

    @Test
    void unknownSpiIsNoSa() {
        Tunnel tunnel = new Tunnel(AeadAlgorithm.CHACHA20_POLY1305, false, 1);
        EmbeddedChannel channel = inbound(tunnel);
        byte[] packet = seal(tunnel, Tunnel.innerPacket(new Random(3), 40));
        packet[3] ^= 1;
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, packet));
        assertEquals(1, drops.count(DropReason.NO_SA));
        assertEquals(1, drops.total());
        channel.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "next header {0} -> {1}")
    @CsvSource({"1,BAD_NEXT_HEADER", "6,BAD_NEXT_HEADER", "41,BAD_NEXT_HEADER", "59,DUMMY", "255,BAD_NEXT_HEADER"})
    void onlyIpv4IsAcceptedInTunnelMode(int nextHeader, DropReason expected) {
        Tunnel tunnel = new Tunnel(AeadAlgorithm.AES_GCM_256, false, 1);
        EmbeddedChannel channel = inbound(tunnel);
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(4), 33));
        EspCodec.seal(senderAead(tunnel), new byte[12], Tunnel.SPI, 5, false, 5, nextHeader, buf);
        channel.writeInbound(buf);
        assertNull(channel.readInbound());
        assertEquals(1, drops.count(expected), drops.toString());
        assertEquals(1, drops.total());
        channel.finishAndReleaseAll();
    }

    @Test
    void badPaddingPatternIsMalformedAndUsesUpItsSequenceNumber() {
        Tunnel tunnel = new Tunnel(AeadAlgorithm.AES_GCM_128, false, 1);
        EmbeddedChannel channel = inbound(tunnel);
        byte[] inner = Tunnel.innerPacket(new Random(5), 20);
        // RFC 4303 §2.4: padding must read 1, 2; here it reads 1, 9.
        byte[] plaintext = concat(inner, new byte[] {1, 9, 2, EspHeader.NEXT_HEADER_IPV4});
        byte[] packet = craft(senderAead(tunnel), 7, plaintext);
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, packet));
        assertEquals(1, drops.count(DropReason.MALFORMED));
        // Authentic, so its sequence number counts as received.
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, packet));
        assertEquals(1, drops.count(DropReason.REPLAY));
        // A Pad Length longer than the plaintext is malformed too.
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT,
                craft(senderAead(tunnel), 8, new byte[] {1, 2, (byte) 200, EspHeader.NEXT_HEADER_IPV4})));
        assertEquals(2, drops.count(DropReason.MALFORMED));
        // Next Header 4 but the payload is no IPv4 packet.
        byte[] notIpv4 = concat(Tunnel.innerPacket(new Random(6), 22), new byte[] {0, EspHeader.NEXT_HEADER_IPV4});
        notIpv4[0] = 0x60;
        channel.writeInbound(Buffers.of(Buffers.Kind.POOLED_DIRECT, craft(senderAead(tunnel), 9, notIpv4)));
        assertEquals(3, drops.count(DropReason.MALFORMED));
        assertEquals(4, drops.total());
        assertNull(channel.readInbound());
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel inbound(Tunnel tunnel) {
        return new EmbeddedChannel(new EspInbound(tunnel.receiver, new InboundContext(), drops));
    }

    private static Aead senderAead(Tunnel tunnel) {
        return new JceAead(tunnel.algorithm, tunnel.keymat);
    }

    private static byte[] seal(Tunnel tunnel, byte[] inner) {
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, inner);
        assertNull(tunnel.encryptor.encrypt(tunnel.outbound, buf));
        return Buffers.drain(buf);
    }

    /** An ESP packet (32-bit sequence number, IV = sequence) around an arbitrary plaintext. */
    private static byte[] craft(Aead aead, long sequence, byte[] plaintext) {
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, plaintext);
        int start = buf.readerIndex() - EspHeader.PAYLOAD_OFFSET;
        EspHeader.setSpi(buf, start, Tunnel.SPI);
        EspHeader.setSequenceNumber(buf, start, sequence);
        EspHeader.setIv(buf, start, sequence);
        byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
        int aadLength = EspCodec.aad(aad, Tunnel.SPI, sequence, false);
        aead.seal(sequence, aad, aadLength, buf, buf.readerIndex(), plaintext.length);
        buf.setIndex(start, buf.readerIndex() + plaintext.length + EspHeader.ICV_LENGTH);
        return Buffers.drain(buf);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
