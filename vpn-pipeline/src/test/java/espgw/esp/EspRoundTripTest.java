package espgw.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import espgw.crypto.AeadAlgorithm;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** Core round trips: every algorithm, with and without ESN, every inner size 20..1500. */
class EspRoundTripTest {
    static Stream<Arguments> algorithmsAndEsn() {
        return Stream.of(AeadAlgorithm.values())
                .flatMap(a -> Stream.of(Arguments.of(a, false), Arguments.of(a, true)));
    }

    @ParameterizedTest(name = "{0} esn={1}")
    @MethodSource("algorithmsAndEsn")
    void everySizeFrom20To1500(AeadAlgorithm algorithm, boolean esn) {
        Tunnel tunnel = new Tunnel(algorithm, esn, 1);
        Random random = new Random(42);
        int[] padLengthsSeen = new int[EspHeader.ALIGNMENT];
        for (int size = 20; size <= 1500; size++) {
            byte[] inner = Tunnel.innerPacket(random, size);
            ByteBuf buf = Buffers.withRoom(size % 2 == 0 ? Buffers.Kind.POOLED_DIRECT : Buffers.Kind.HEAP, inner);
            assertNull(tunnel.encryptor.encrypt(tunnel.outbound, buf));
            int espLength = buf.readableBytes();
            // RFC 4303 §2.4: payload + padding + trailer end on a 4-octet boundary.
            assertEquals(0, (espLength - EspHeader.PAYLOAD_OFFSET - EspHeader.ICV_LENGTH) % EspHeader.ALIGNMENT);
            padLengthsSeen[espLength - EspHeader.PAYLOAD_OFFSET - EspHeader.ICV_LENGTH - EspHeader.TRAILER_LENGTH
                    - size]++;
            assertEquals(size - 19, EspHeader.sequenceNumber(buf, buf.readerIndex()), "sequence numbers count from 1");
            assertEquals(size - 19, EspHeader.iv(buf, buf.readerIndex()), "IV = sequence number");
            assertNull(tunnel.decryptor.decrypt(buf));
            assertSame(tunnel.inbound, tunnel.decryptor.lastSa());
            assertArrayEquals(inner, Buffers.drain(buf), "size " + size);
        }
        for (int pad = 0; pad < EspHeader.ALIGNMENT; pad++) {
            // 1481 consecutive sizes: each of the four pad lengths 370 or 371 times.
            assertEquals(1481 / 4, padLengthsSeen[pad], 1, "packets with pad length " + pad);
        }
        assertEquals(1481, tunnel.inbound.packets());
        assertEquals(1481, tunnel.outbound.packets());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espgw.esp.EspRoundTripTest#algorithms")
    void esnCrossesTheTwoToThe32Boundary(AeadAlgorithm algorithm) {
        long first = (1L << 32) - 100;
        Tunnel tunnel = new Tunnel(algorithm, true, first);
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] inner = Tunnel.innerPacket(random, 60 + i);
            ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, inner);
            assertNull(tunnel.encryptor.encrypt(tunnel.outbound, buf));
            long sequence = first + i;
            assertEquals(sequence & 0xFFFF_FFFFL, EspHeader.sequenceNumber(buf, buf.readerIndex()),
                    "only the low half travels");
            assertEquals(sequence, EspHeader.iv(buf, buf.readerIndex()));
            assertNull(tunnel.decryptor.decrypt(buf), "packet " + Long.toHexString(sequence));
            assertArrayEquals(inner, Buffers.drain(buf));
        }
        assertEquals(first + 199, tunnel.inbound.replayWindow().top());
    }

    static Stream<AeadAlgorithm> algorithms() {
        return Stream.of(AeadAlgorithm.values());
    }
}
