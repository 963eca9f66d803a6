package espgw.ike.auth;

/**
 * A key or certificate file that espgw cannot use: not PEM, the wrong kind of object, an
 * encrypted or unsupported key. An operator error, reported with the file's name by the caller;
 * the message never quotes the file's content.
 */
public final class CredentialException extends Exception {
    public CredentialException(String message) {
        super(message);
    }
}
