package espgw.linux.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EspSocketOptionsTest {
    @Test
    void withersChangeOneOptionEach() {
        EspSocketOptions options = EspSocketOptions.defaults()
                .withMark(7).withReceiveBufferBytes(1 << 20).withSendBufferBytes(1 << 19)
                .withMaxDatagramSize(9000).withMaxDatagramsPerRead(16);
        assertEquals(new EspSocketOptions(7, 1 << 20, 1 << 19, 9000, 16), options);
    }

    @Test
    void rejectsSizesTheChannelCannotWorkWith() {
        EspSocketOptions defaults = EspSocketOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxDatagramSize(19));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxDatagramsPerRead(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withReceiveBufferBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withSendBufferBytes(-1));
    }
}
