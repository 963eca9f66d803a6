package espgw.ike.session;

import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.PeerAuthenticator;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How both ends of an IKE SA prove who they are in IKE_AUTH: a pre-shared key (RFC 7296 §2.15,
 * Auth Method 2) or certificates and signatures (RFC 7427 Auth Method 14, or RFC 4754 Auth Method 9
 * with P-256 keys for a peer without RFC 7427). Both ends of one session use the same kind; a peer
 * that uses the other kind fails with AUTHENTICATION_FAILED.
 * No {@code toString} shows key material.
 */
public sealed interface IkeAuthentication {

    /** The same secret on both ends. */
    record PreSharedKey(byte[] key) implements IkeAuthentication {
        public PreSharedKey {
            if (key.length == 0) {
                throw new IllegalArgumentException("preSharedKey: empty");
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "psk=<redacted>";
        }
    }

    /**
     * Our certificate and key sign our AUTH; the peer's CERT must lead to the CA of {@code peer}
     * and name the peer's ID, and its key must have signed the peer's AUTH.
     *
     * @param clock the wall clock the peer's certificates are valid at
     */
    record Certificates(LocalCredential credential, PeerAuthenticator peer, InstantSource clock)
            implements IkeAuthentication {
        public Certificates {
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(clock, "clock");
        }

        public Certificates(LocalCredential credential, PeerAuthenticator peer) {
            this(credential, peer, InstantSource.system());
        }

        @Override
        public String toString() {
            return "certificate=" + credential;
        }
    }
}
