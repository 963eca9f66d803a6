package espgw.sa;

import espgw.esp.EspEncryptor;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One "process lifetime" for {@link SaSequenceRestartTest}: an outbound SA with a fixed manual key
 * and a {@link FileSequenceStore} in the given directory seals packets and prints the explicit IV
 * of each, read back from the packet, one line {@code iv <hex>} per packet. Arguments: state directory,
 * packet count (0 = until killed), reservation block.
 */
public final class SequenceRestartChild {
    /** Marks IV lines; logging may share stdout. */
    static final String PREFIX = "iv ";
    static final String KEY = "feffe9928665731c6d6a8f9467308308cafebabe";

    private SequenceRestartChild() {
    }

    public static void main(String[] args) {
        Path state = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        long block = Long.parseLong(args[2]);
        SecurityAssociation sa = ManualSa.of("0x5eed", "aes-gcm-128", KEY, false, 64)
                .toBuilder(Direction.OUTBOUND).sequenceStore(new FileSequenceStore(state, block)).build();
        EspEncryptor encryptor = new EspEncryptor();
        PrintStream out = System.out;
        for (long i = 0; count == 0 || i < count; i++) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(128);
            buf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET).writeZero(40).setByte(EspHeader.PAYLOAD_OFFSET, 0x45);
            if (encryptor.encrypt(sa, buf) != null) {
                throw new IllegalStateException("packet dropped");
            }
            out.println(PREFIX + Long.toHexString(EspHeader.iv(buf, buf.readerIndex())));
            out.flush();
            buf.release();
        }
    }
}
