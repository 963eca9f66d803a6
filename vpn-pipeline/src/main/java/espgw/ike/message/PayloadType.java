package espgw.ike.message;

/** RFC 7296 §3.2: Next Payload Type values. */
public final class PayloadType {
    public static final int NO_NEXT_PAYLOAD = 0;
    public static final int SECURITY_ASSOCIATION = 33;
    public static final int KEY_EXCHANGE = 34;
    public static final int IDENTIFICATION_INITIATOR = 35;
    public static final int IDENTIFICATION_RESPONDER = 36;
    public static final int CERTIFICATE = 37;
    public static final int CERTIFICATE_REQUEST = 38;
    public static final int AUTHENTICATION = 39;
    public static final int NONCE = 40;
    public static final int NOTIFY = 41;
    public static final int DELETE = 42;
    public static final int VENDOR_ID = 43;
    public static final int TRAFFIC_SELECTOR_INITIATOR = 44;
    public static final int TRAFFIC_SELECTOR_RESPONDER = 45;
    public static final int ENCRYPTED_AND_AUTHENTICATED = 46;
    public static final int CONFIGURATION = 47;
    public static final int EXTENSIBLE_AUTHENTICATION = 48;

    private PayloadType() {
    }

    public static String name(int type) {
        switch (type) {
            case NO_NEXT_PAYLOAD: return "none";
            case SECURITY_ASSOCIATION: return "SA";
            case KEY_EXCHANGE: return "KE";
            case IDENTIFICATION_INITIATOR: return "IDi";
            case IDENTIFICATION_RESPONDER: return "IDr";
            case CERTIFICATE: return "CERT";
            case CERTIFICATE_REQUEST: return "CERTREQ";
            case AUTHENTICATION: return "AUTH";
            case NONCE: return "Nonce";
            case NOTIFY: return "N";
            case DELETE: return "D";
            case VENDOR_ID: return "V";
            case TRAFFIC_SELECTOR_INITIATOR: return "TSi";
            case TRAFFIC_SELECTOR_RESPONDER: return "TSr";
            case ENCRYPTED_AND_AUTHENTICATED: return "SK";
            case CONFIGURATION: return "CP";
            case EXTENSIBLE_AUTHENTICATION: return "EAP";
            default: return "payload " + type;
        }
    }
}
