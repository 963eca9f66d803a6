package espgw.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.Aead;
import espgw.crypto.Implementations;
import espgw.crypto.Implementations.Impl;
import espgw.crypto.KnownAnswerVectors;
import espgw.crypto.KnownAnswerVectors.Vector;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ESP and AEAD vector of {@code esp-kat.json} through every {@link Aead} implementation and
 * both buffer kinds: sealing gives exactly the published ESP packet, opening gives exactly the
 * payload and Next Header, and each implementation opens the others' output.
 */
class EspKnownAnswerTest {
    @Test
    void theVectorFileHasWhatTheReadmePromises() {
        List<Vector> all = KnownAnswerVectors.all();
        assertEquals(17, all.stream().filter(v -> v.kind().equals("esp")).count(), "16 GCM + 1 ChaCha ESP vectors");
        assertEquals(2, all.stream().filter(v -> v.kind().equals("aead")).count());
        for (Vector v : all) {
            if (!v.kind().equals("gmac")) {
                assertNotNull(v.aeadAlgorithm(), v.id() + " maps to an espgw algorithm");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> sealGivesTheExactEspPacket() {
        return espCases().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Vector v = c.vector;
            Aead aead = c.impl.create(v.aeadAlgorithm(), v.keymat());
            byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
            ByteBuf buf = Buffers.withRoom(c.kind, v.payload());
            EspCodec.seal(aead, aad, v.spi(), v.seq(), v.esn(), v.iv(), v.nextHeader(), buf);
            assertArrayEquals(v.espPacket(), Buffers.drain(buf));
            assertArrayEquals(v.aad(), Arrays.copyOf(aad, v.aad().length), "AAD");
        }));
    }

    @TestFactory
    Stream<DynamicTest> openGivesThePlaintext() {
        return espCases().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Vector v = c.vector;
            Aead aead = c.impl.create(v.aeadAlgorithm(), v.keymat());
            byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
            int aadLength = EspCodec.aad(aad, v.spi(), v.seq(), v.esn());
            ByteBuf buf = Buffers.of(c.kind, v.espPacket());
            int nextHeader = EspCodec.open(aead, aad, aadLength, buf);
            byte[] payload = Buffers.drain(buf);
            assertEquals(v.nextHeader(), nextHeader);
            assertArrayEquals(v.payload(), payload);
            assertEquals(v.plaintext().length, payload.length + v.padLength() + 2, "pad length");
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachImplementationOpensTheOthersPackets() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Vector v : KnownAnswerVectors.ofKind("esp")) {
            for (Impl sealer : Implementations.ALL) {
                for (Impl opener : Implementations.ALL) {
                    tests.add(DynamicTest.dynamicTest(v.id() + " " + sealer + "->" + opener, () -> {
                        byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
                        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, v.payload());
                        // Another IV than the vector's, so this is not the KAT again.
                        EspCodec.seal(sealer.create(v.aeadAlgorithm(), v.keymat()), aad, v.spi(), v.seq(), v.esn(),
                                ~v.iv(), v.nextHeader(), buf);
                        int aadLength = EspCodec.aad(aad, v.spi(), v.seq(), v.esn());
                        int nextHeader = EspCodec.open(opener.create(v.aeadAlgorithm(), v.keymat()), aad, aadLength,
                                buf);
                        assertArrayEquals(v.payload(), Buffers.drain(buf));
                        assertEquals(v.nextHeader(), nextHeader);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> genericAeadVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Vector v : KnownAnswerVectors.ofKind("aead")) {
            for (Impl impl : Implementations.ALL) {
                for (Buffers.Kind kind : Buffers.Kind.values()) {
                    tests.add(DynamicTest.dynamicTest(v.id() + " " + impl + " " + kind, () -> {
                        ByteBuf buf = Buffers.withRoom(kind, v.plaintext());
                        int index = buf.readerIndex();
                        impl.create(v.aeadAlgorithm(), v.keymat()).seal(v.iv(), v.aad(), v.aad().length, buf, index,
                                v.plaintext().length);
                        buf.writerIndex(index + v.ciphertextAndTag().length);
                        assertArrayEquals(v.ciphertextAndTag(), io.netty.buffer.ByteBufUtil.getBytes(buf));
                        assertTrue(impl.create(v.aeadAlgorithm(), v.keymat()).open(v.iv(), v.aad(), v.aad().length,
                                buf, index, v.ciphertextAndTag().length));
                        buf.writerIndex(index + v.plaintext().length);
                        assertArrayEquals(v.plaintext(), Buffers.drain(buf));
                    }));
                }
            }
        }
        return tests.stream();
    }

    /**
     * AES-GMAC (RFC 4543, integrity only) is not an ESP algorithm espgw offers, but its vector still
     * checks the AES-GCM underneath: GMAC is GCM with an empty plaintext and the whole ESP packet
     * (SPI, sequence, IV, payload, trailer) as AAD (RFC 4543 §3.2), so the packet is AAD || tag.
     */
    @TestFactory
    Stream<DynamicTest> gmacVectorsVerifyAsGcmWithEverythingAuthenticated() {
        return KnownAnswerVectors.ofKind("gmac").stream().map(v -> DynamicTest.dynamicTest(v.id(), () -> {
            byte[] packet = v.espPacket();
            byte[] tag = Arrays.copyOfRange(packet, packet.length - 16, packet.length);
            assertArrayEquals(v.aad(), Arrays.copyOf(packet, packet.length - 16));
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(v.key(), "AES"), new GCMParameterSpec(128, v.nonce()));
            gcm.updateAAD(v.aad());
            assertArrayEquals(tag, gcm.doFinal(), "seal gives the vector's ICV");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(v.key(), "AES"), new GCMParameterSpec(128, v.nonce()));
            gcm.updateAAD(v.aad());
            assertEquals(0, gcm.doFinal(tag).length, "open verifies the ICV");
        }));
    }

    private record Case(Vector vector, Impl impl, Buffers.Kind kind) {
        @Override
        public String toString() {
            return vector.id() + " " + impl + " " + kind;
        }
    }

    private static Stream<Case> espCases() {
        List<Case> cases = new ArrayList<>();
        for (Vector v : KnownAnswerVectors.ofKind("esp")) {
            for (Impl impl : Implementations.ALL) {
                for (Buffers.Kind kind : Buffers.Kind.values()) {
                    cases.add(new Case(v, impl, kind));
                }
            }
        }
        return cases.stream();
    }
}
