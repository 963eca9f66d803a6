package espgw.scenario;

/**
 * How a seed scenario's gateways get their SAs: manual keys written into both configs, or IKEv2
 * (the client ends initiating) with a pre-shared key or certificates from one CA, over bare ESP or
 * ESP in UDP. Each seed scenario test runs with {@link #MANUAL} and one IKE variant; between them
 * the IKE variants cover both encapsulations. {@link ScenarioKeys} writes the config lines.
 */
enum Keying {
    MANUAL(false, false, false),
    IKE_PSK(true, false, false),
    IKE_PSK_ESP_IN_UDP(true, false, true),
    IKE_CERTIFICATES(true, true, false);

    final boolean ike;
    final boolean certificates;
    /** {@code encapsulation: udp} at both ends: ESP and, after IKE_SA_INIT, IKE on port 4500. */
    final boolean espInUdp;

    Keying(boolean ike, boolean certificates, boolean espInUdp) {
        this.ike = ike;
        this.certificates = certificates;
        this.espInUdp = espInUdp;
    }
}
