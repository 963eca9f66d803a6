package espgw.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** JCE behaviour the data path depends on. */
class AeadJceTest {
    private static final byte[] AAD = {1, 2, 3, 4, 5, 6, 7, 8};

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void theSameCiphertextOpensTwiceAndAForgeryFailsTwiceWithoutException(AeadAlgorithm algorithm) {
        JceAead aead = new JceAead(algorithm, new byte[algorithm.keymatLength()]);
        byte[] sealed = sealed(new JceAead(algorithm, new byte[algorithm.keymatLength()]), 9);
        for (int i = 0; i < 2; i++) {
            ByteBuf buf = Unpooled.directBuffer().writeBytes(sealed);
            assertTrue(aead.open(9, AAD, AAD.length, buf, 0, sealed.length));
            buf.release();
        }
        sealed[0] ^= 1;
        for (int i = 0; i < 2; i++) {
            ByteBuf buf = Unpooled.directBuffer().writeBytes(sealed);
            assertFalse(aead.open(9, AAD, AAD.length, buf, 0, sealed.length));
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void sealingTwiceWithOneIvIsRefusedByTheJdk(AeadAlgorithm algorithm) {
        JceAead aead = new JceAead(algorithm, new byte[algorithm.keymatLength()]);
        sealed(aead, 1);
        // Our IVs never repeat; if a bug made them, the JDK's guard turns it into an exception.
        assertThrows(IllegalStateException.class, () -> sealed(aead, 1));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void keyMaterialOfTheWrongLengthIsRefusedWithoutEchoingIt(AeadAlgorithm algorithm) {
        byte[] keymat = new byte[algorithm.keymatLength() - 1];
        java.util.Arrays.fill(keymat, (byte) 0xAB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JceAead(algorithm, keymat));
        assertFalse(e.getMessage().toLowerCase().contains("abab"), e.getMessage());
        assertEquals("JceAead[" + algorithm.configName() + "]",
                new JceAead(algorithm, new byte[algorithm.keymatLength()]).toString());
    }

    private static byte[] sealed(JceAead aead, long iv) {
        ByteBuf buf = Unpooled.buffer(64).writeBytes(HexFormat.of().parseHex("00112233445566778899"));
        buf.writerIndex(10);
        aead.seal(iv, AAD, AAD.length, buf, 0, 10);
        buf.writerIndex(10 + AeadAlgorithm.ICV_LENGTH);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }
}
