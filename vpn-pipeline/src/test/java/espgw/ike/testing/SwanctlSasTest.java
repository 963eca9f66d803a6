package espgw.ike.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.SwanctlSas.ChildSa;
import espgw.ike.testing.SwanctlSas.IkeSa;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwanctlSasTest {
    /** Printed by swanctl 5.9.8 for a charon initiator with kernel-libipsec (spacing as printed). */
    private static final String ESTABLISHED = "list-sa event {c {uniqueid=1 version=2 state=ESTABLISHED"
            + " local-host=192.0.2.1 local-port=4500 local-id=initiator remote-host=192.0.2.2 remote-port=4500"
            + " remote-id=responder initiator=yes initiator-spi=9d6d31883aac3395 responder-spi=74dfb3d31c38b50b"
            + " nat-remote=yes nat-any=yes encr-alg=AES_GCM_16 encr-keysize=128 prf-alg=PRF_HMAC_SHA2_256"
            + " dh-group=CURVE_25519 established=1 rekey-time=14354 child-sas {c-1 {name=c uniqueid=1 reqid=1"
            + " state=INSTALLED mode=TUNNEL protocol=ESP encap=yes spi-in=aa8043c3 spi-out=9a67b0ed"
            + " encr-alg=AES_GCM_16 encr-keysize=128 bytes-in=168 packets-in=2 use-in=0 bytes-out=168"
            + " packets-out=2 use-out=0 rekey-time=3350 life-time=3959 install-time=1"
            + " local-ts=[198.51.100.1/32] remote-ts=[198.51.100.2/32]}}}}\n"
            + "list-sas reply {}\n";

    @Test
    void readsAnEstablishedIkeSaWithItsChild() {
        IkeSa ike = only(SwanctlSas.parse(ESTABLISHED));
        assertEquals("c", ike.name());
        assertEquals("ESTABLISHED", ike.state());
        assertEquals("9d6d31883aac3395", ike.get("initiator-spi"));
        assertEquals(4500, ike.remotePort());
        assertEquals("AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519", ike.algorithms());
        ChildSa child = only(ike.children());
        assertEquals("c-1", child.name());
        assertEquals("INSTALLED", child.state());
        assertTrue(child.encap());
        assertEquals("aa8043c3", child.get("spi-in"));
        assertEquals("9a67b0ed", child.get("spi-out"));
        assertEquals("AES_GCM_16/128", child.algorithms());
        assertEquals(2, child.packetsIn());
        assertEquals(2, child.packetsOut());
        assertEquals(List.of("198.51.100.1/32"), child.localTs());
        assertEquals(List.of("198.51.100.2/32"), child.remoteTs());
    }

    @Test
    void aValueWithSpacesEndsAtTheNextKey() {
        IkeSa ike = only(SwanctlSas.parse("list-sa event {x {local-id=CN=espgw test CA state=CONNECTING"
                + " encr-alg=CHACHA20_POLY1305 prf-alg=PRF_HMAC_SHA2_256 dh-group=ECP_256 child-sas {}}}"));
        assertEquals("CN=espgw test CA", ike.get("local-id"));
        assertEquals("CONNECTING", ike.state());
        assertEquals("CHACHA20_POLY1305/PRF_HMAC_SHA2_256/ECP_256", ike.algorithms());
        assertTrue(ike.children().isEmpty());
    }

    @Test
    void listsHoldEveryTrafficSelectorAndNoSasIsEmpty() {
        IkeSa ike = only(SwanctlSas.parse("list-sa event {x {state=ESTABLISHED child-sas {x-2 {state=REKEYED"
                + " local-ts=[10.0.0.0/24 10.0.1.0/24] remote-ts=[]}}}}"));
        assertEquals(List.of("10.0.0.0/24", "10.0.1.0/24"), only(ike.children()).localTs());
        assertEquals(List.of(), only(ike.children()).remoteTs());
        assertTrue(SwanctlSas.parse("list-sas reply {}\n").isEmpty());
    }

    @Test
    void aTruncatedEventIsAnErrorNotASilentlyShorterSa() {
        assertThrows(IllegalArgumentException.class,
                () -> SwanctlSas.parse("list-sa event {c {state=ESTABLISHED child-sas {c-1 {state=INSTALLED"));
        assertFalse(SwanctlSas.parse("no events here").iterator().hasNext());
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }
}
