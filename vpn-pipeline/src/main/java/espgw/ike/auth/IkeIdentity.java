package espgw.ike.auth;

import static espgw.ike.message.IdPayload.ID_DER_ASN1_DN;
import static espgw.ike.message.IdPayload.ID_FQDN;
import static espgw.ike.message.IdPayload.ID_IPV4_ADDR;
import static espgw.ike.message.IdPayload.ID_RFC822_ADDR;

import espgw.ike.auth.AuthenticationException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * An IKE identity as the ID payload carries it (RFC 7296 §3.5: ID Type and Identification Data),
 * and whether a certificate vouches for it: names and addresses must be in the subjectAltName, a
 * distinguished name must be the subject (RFC 4945 §3.1 ties IDs to certificates this way).
 */
public record IkeIdentity(int idType, byte[] data) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** RFC 1123 §2.1 host names: labels of letters, digits and inner hyphens. */
    private static final Pattern FQDN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern RFC822 = Pattern.compile("[^@\\s]+@" + FQDN.pattern());

    public IkeIdentity {
        if (idType != ID_IPV4_ADDR && idType != ID_FQDN && idType != ID_RFC822_ADDR && idType != ID_DER_ASN1_DN) {
            throw new IllegalArgumentException("ID Type " + idType + " cannot be matched to a certificate");
        }
        if (idType == ID_IPV4_ADDR && data.length != 4) {
            throw new IllegalArgumentException("ID_IPV4_ADDR of " + data.length + " octets");
        }
        if (idType == ID_DER_ASN1_DN) {
            new X500Principal(data); // throws IllegalArgumentException unless a DER Name
        }
        data = data.clone();
    }

    /**
     * The peer's identity from its IDi/IDr payload: an ID we cannot match to a certificate (another
     * type, a broken DN) fails authentication like a mismatch.
     */
    public static IkeIdentity ofPeer(int idType, byte[] data) throws AuthenticationException {
        try {
            return new IkeIdentity(idType, data);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException(Reason.IDENTITY_MISMATCH, e.getMessage());
        }
    }

    /**
     * An identity written the way strongSwan's config writes it: a dotted IPv4 address, an e-mail
     * address ({@code user@host}), a distinguished name ({@code CN=...}, anything with {@code =}),
     * or else a host name.
     */
    public static IkeIdentity parse(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return new IkeIdentity(ID_IPV4_ADDR, InetAddress.getByName(text).getAddress());
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a dotted IPv4 literal is parsed without a lookup", e);
        }
        if (text.contains("=")) {
            return new IkeIdentity(ID_DER_ASN1_DN, new X500Principal(text).getEncoded());
        }
        if (RFC822.matcher(text).matches()) {
            return new IkeIdentity(ID_RFC822_ADDR, text.getBytes(StandardCharsets.US_ASCII));
        }
        if (FQDN.matcher(text).matches()) {
            return new IkeIdentity(ID_FQDN, text.getBytes(StandardCharsets.US_ASCII));
        }
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 address, host name, e-mail address or DN");
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The subjectAltName entry that names this identity, or null for a DN (which is the subject). */
    GeneralName subjectAltName() {
        return switch (idType) {
            case ID_IPV4_ADDR -> new GeneralName(GeneralName.iPAddress, new DEROctetString(data));
            case ID_FQDN -> new GeneralName(GeneralName.dNSName, text());
            case ID_RFC822_ADDR -> new GeneralName(GeneralName.rfc822Name, text());
            default -> null;
        };
    }

    /** The subject DN a certificate for this identity gets: the DN itself, or CN=identity. */
    X500Principal subject() {
        return idType == ID_DER_ASN1_DN ? new X500Principal(data) : commonName(toString());
    }

    /** {@code CN=name}, whatever characters the name holds. */
    static X500Principal commonName(String name) {
        try {
            return new X500Principal(new X500NameBuilder().addRDN(BCStyle.CN, name).build().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("DER-encoding a name in memory", e);
        }
    }

    /** Fails with IDENTITY_MISMATCH unless {@code certificate} is for this identity. */
    public void requireIn(X509Certificate certificate) throws AuthenticationException {
        boolean found = idType == ID_DER_ASN1_DN
                ? certificate.getSubjectX500Principal().equals(new X500Principal(data))
                : inSubjectAltName(certificate);
        if (!found) {
            throw new AuthenticationException(Reason.IDENTITY_MISMATCH, "identity " + this + " is not in the certificate of "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    private boolean inSubjectAltName(X509Certificate certificate) {
        GeneralNames names;
        try {
            names = GeneralNames.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions(),
                    Extension.subjectAlternativeName);
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        GeneralName wanted = subjectAltName();
        for (GeneralName name : names.getNames()) {
            if (name.getTagNo() != wanted.getTagNo()) {
                continue;
            }
            if (idType == ID_IPV4_ADDR
                    ? Arrays.equals(data, ASN1OctetString.getInstance(name.getName()).getOctets())
                    : sameName(DERIA5String.getInstance(name.getName()).getString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 5280 §4.2.1.6 and §7.5: case means nothing in a host name, nor in the host part of a
     * mailbox; the local part compares exactly.
     */
    private boolean sameName(String altName) {
        String name = text();
        int at = name.lastIndexOf('@') + 1;
        return altName.length() == name.length() && altName.regionMatches(0, name, 0, at)
                && altName.regionMatches(true, at, name, at, name.length() - at);
    }

    private String text() {
        return new String(data, StandardCharsets.US_ASCII);
    }

    /** The identity as an operator writes it. */
    @Override
    public String toString() {
        return switch (idType) {
            case ID_IPV4_ADDR -> (data[0] & 0xff) + "." + (data[1] & 0xff) + "." + (data[2] & 0xff) + "." + (data[3] & 0xff);
            case ID_DER_ASN1_DN -> new X500Principal(data).getName();
            default -> text();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IkeIdentity other && idType == other.idType && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * idType + Arrays.hashCode(data);
    }
}
