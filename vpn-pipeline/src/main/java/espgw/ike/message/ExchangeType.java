package espgw.ike.message;

/** RFC 7296 §3.1: Exchange Type values of the IKE header. */
public final class ExchangeType {
    public static final int IKE_SA_INIT = 34;
    public static final int IKE_AUTH = 35;
    public static final int CREATE_CHILD_SA = 36;
    public static final int INFORMATIONAL = 37;

    private ExchangeType() {
    }

    public static String name(int type) {
        switch (type) {
            case IKE_SA_INIT: return "IKE_SA_INIT";
            case IKE_AUTH: return "IKE_AUTH";
            case CREATE_CHILD_SA: return "CREATE_CHILD_SA";
            case INFORMATIONAL: return "INFORMATIONAL";
            default: return "exchange " + type;
        }
    }
}
