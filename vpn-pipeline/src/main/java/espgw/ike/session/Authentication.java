package espgw.ike.session;

import espgw.ike.auth.AuthenticationException;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.SignatureHashAlgorithms;
import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.PskAuthentication;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.CertPayload;
import espgw.ike.message.CertRequestPayload;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The authentication part of both exchanges, for either {@link IkeAuthentication}: what we add to
 * IKE_SA_INIT and IKE_AUTH, our AUTH payload over the signed octets of RFC 7296 §2.15, and the
 * check of the peer's. Every failure is an AUTHENTICATION_FAILED {@link IkeProtocolException}
 * whose message says why for the log and never carries key material.
 */
final class Authentication {
    private Authentication() {
    }

    /** RFC 7427 §4: with certificates we list the hashes we verify signatures with in IKE_SA_INIT. */
    static List<NotifyPayload> signatureHashAlgorithms(IkeAuthentication authentication) {
        return authentication instanceof IkeAuthentication.Certificates
                ? List.of(NotifyPayload.of(NotifyType.SIGNATURE_HASH_ALGORITHMS,
                        SignatureHashAlgorithms.encode(SignatureHashAlgorithms.supported())))
                : List.of();
    }

    /** The hashes the peer listed in its IKE_SA_INIT message; empty when it sent no such notify. */
    static Optional<Set<HashAlgorithm>> peerSignatureHashes(IkeMessage init) {
        return init.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).map(n -> SignatureHashAlgorithms.decode(n.data()));
    }

    /** RFC 7296 §3.7: with certificates we ask for one leading to our CA (Cert Encoding 4). */
    static List<CertRequestPayload> certificateRequest(IkeAuthentication authentication) {
        return authentication instanceof IkeAuthentication.Certificates certificates
                ? List.of(new CertRequestPayload(CertPayload.X509_CERTIFICATE_SIGNATURE,
                        certificates.peer().certificateAuthorityHash()))
                : List.of();
    }

    /** RFC 7296 §3.6: our certificate, then any intermediates, each in a CERT payload (encoding 4). */
    static List<CertPayload> certificates(IkeAuthentication authentication) {
        return authentication instanceof IkeAuthentication.Certificates certificates
                ? certificates.credential().certificates().stream()
                        .map(der -> new CertPayload(CertPayload.X509_CERTIFICATE_SIGNATURE, der)).toList()
                : List.of();
    }

    /**
     * The Auth Method of our AUTH payload: 2 with a pre-shared key. With certificates, RFC 7427 §4:
     * method 14 for a peer that listed our key's hash in IKE_SA_INIT, else our key's method from
     * before RFC 7427, 9 for P-256 (RFC 4754). An Ed25519 key has no such method (RFC 8420): for
     * that peer we cannot sign at all, and fail before IKE_AUTH.
     *
     * @param peerHashes the peer's SIGNATURE_HASH_ALGORITHMS, empty if it sent none
     * @param peer "initiator" or "responder", for the log
     */
    static int ourAuthMethod(IkeAuthentication authentication, Optional<Set<HashAlgorithm>> peerHashes, String peer)
            throws IkeProtocolException {
        if (!(authentication instanceof IkeAuthentication.Certificates certificates)) {
            return AuthPayload.SHARED_KEY_MESSAGE_INTEGRITY_CODE;
        }
        LocalCredential credential = certificates.credential();
        OptionalInt method = credential.authMethodFor(peerHashes);
        if (method.isPresent()) {
            return method.getAsInt();
        }
        if (peerHashes.isEmpty()) {
            throw failed("the " + peer + " sent no SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4), so it cannot verify"
                    + " our digital signature (Auth Method 14), the only one our " + credential.algorithm()
                    + " key has");
        }
        throw failed("the " + peer + "'s SIGNATURE_HASH_ALGORITHMS " + peerHashes.get() + " lack "
                + credential.algorithm().hashAlgorithm() + ", which our " + credential.algorithm() + " key signs with");
    }

    /** §2.15: our AUTH payload with {@code method} over our IKE_SA_INIT message, the peer's nonce and our ID. */
    static AuthPayload ours(IkeAuthentication authentication, int method, IkeSaKeys keys, boolean initiator,
            byte[] ourInitMessage, byte[] peerNonce, IdPayload ourId) {
        byte[] octets = PskAuthentication.signedOctets(keys.prf(), ourInitMessage, peerNonce,
                initiator ? keys.skPi() : keys.skPr(), ourId);
        if (authentication instanceof IkeAuthentication.Certificates certificates) {
            return new AuthPayload(method, certificates.credential().sign(method, octets));
        }
        IkeAuthentication.PreSharedKey psk = (IkeAuthentication.PreSharedKey) authentication;
        return new AuthPayload(method, PskAuthentication.authData(keys.prf(), psk.key(), octets));
    }

    /**
     * §2.15: checks the peer's AUTH payload over its IKE_SA_INIT message, our nonce and its ID; with
     * certificates also the CERT payloads of {@code peerMessage} (RFC 4945), with method 14 (RFC
     * 7427) or 9 (RFC 4754) whatever we sign with.
     *
     * @param peerMessage the peer's decrypted IKE_AUTH message
     */
    static void verifyPeer(IkeAuthentication authentication, IkeSaKeys keys, boolean peerIsInitiator,
            IkeMessage peerMessage, AuthPayload auth, IdPayload peerId, byte[] peerInitMessage, byte[] ourNonce)
            throws IkeProtocolException {
        String peer = peerIsInitiator ? "initiator" : "responder";
        byte[] octets = PskAuthentication.signedOctets(keys.prf(), peerInitMessage, ourNonce,
                peerIsInitiator ? keys.skPi() : keys.skPr(), peerId);
        if (authentication instanceof IkeAuthentication.Certificates certificates) {
            try {
                certificates.peer().authenticate(peerId.idType(), peerId.data(), peerCertificates(peerMessage),
                        octets, auth.method(), auth.data(), certificates.clock().instant());
            } catch (AuthenticationException e) {
                throw failed("the " + peer + "'s certificate authentication failed: " + e.getMessage());
            }
            return;
        }
        requireMethod(auth, AuthPayload.SHARED_KEY_MESSAGE_INTEGRITY_CODE, peer);
        IkeAuthentication.PreSharedKey psk = (IkeAuthentication.PreSharedKey) authentication;
        if (!PskAuthentication.verify(keys.prf(), psk.key(), octets, auth.data())) {
            throw failed("the " + peer + "'s AUTH does not verify");
        }
    }

    private static void requireMethod(AuthPayload auth, int expected, String peer) throws IkeProtocolException {
        if (auth.method() != expected) {
            throw failed("the " + peer + " authenticates with Auth Method " + auth.method() + ", we expect "
                    + expected);
        }
    }

    /** The DER certificates of the X.509 CERT payloads, in the order sent; other encodings are ignored. */
    private static List<byte[]> peerCertificates(IkeMessage message) {
        return message.payloads().stream()
                .filter(CertPayload.class::isInstance)
                .map(CertPayload.class::cast)
                .filter(cert -> cert.encoding() == CertPayload.X509_CERTIFICATE_SIGNATURE)
                .map(CertPayload::data)
                .toList();
    }

    private static IkeProtocolException failed(String reason) {
        return new IkeProtocolException(NotifyType.AUTHENTICATION_FAILED, reason);
    }
}
