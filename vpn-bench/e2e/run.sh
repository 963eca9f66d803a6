#!/usr/bin/env bash
# End-to-end VPN benchmark: two network namespaces joined by one veth pair (10.0.0.161/24 client,
# 10.0.0.160/24 server; nothing leaves them), measured one after the other: plain veth, espgw
# (AES-GCM-128, ChaCha20-Poly1305), the floor under espgw (JvmFloor.java), OpenVPN 2.6 userspace,
# wireguard-go, strongSwan with kernel-libipsec, tinc. See vpn-bench/e2e/README.md. Run as root from anywhere:
#     vpn-bench/e2e/run.sh [-t SECONDS] [-w TCP_WARMUP_SECONDS] [-o OUTDIR] [-s "plain espgw-aes ..."] [--no-install]
#     [--ping-cpu PINGS]: after each subject's warm-up, only PINGS pings 10 ms apart, with each VPN
#     thread's CPU time and run-queue wait per ping (OUTDIR/ping-cpu-STAMP.md) instead of the measurements
#     [--runs N]: N full runs one after the other, each with its own report, then one table of their
#     medians (OUTDIR/e2e-median-STAMP.md): packet rates move by up to 30 % from run to run here
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/../.." && pwd)
duration=5
# A JVM daemon compiles its data path in its first ~15 s of load (JIT threads used 6-8.5 s of CPU
# there); measuring earlier reports the interpreter. TCP alone leaves the small-packet path cold
# (the first UDP 1400 B test after it moved ~20 % fewer packets than a second one), so the warm-up
# ends with UDP of both sizes. And with pings: the JIT compiles what the warm-up showed it, so
# the first ICMP packets after TCP and UDP alone hit branches it had left out (uncommon traps in
# the GSO split, the GRO batch and the address rewrite), and both gateways ran the measured pings
# on that path, interpreted and then recompiled with profiling (-XX:+PrintCompilation). With a 5 s
# TCP warm-up, espgw's ping p50 was 0.85 and 0.87 ms without pings in it, 0.64 and 0.65 after 20000
# flood pings. Every subject gets the same warm-up.
warmup=15
udp_warmup=5
ping_warmup=10000
outdir="$repo/vpn-bench/results"
all_subjects="plain espgw-aes-gcm-128 espgw-aes-gcm-128-udp espgw-aes-gcm-128-udp-routed espgw-aes-gcm-128-udp-routed-no-busy-poll espgw-chacha20-poly1305 java-floor openvpn wireguard-go strongswan-libipsec tinc"
subjects="$all_subjects"
install=1
ping_cpu=0
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    -t) duration=$2; shift 2 ;;
    -w) warmup=$2; shift 2 ;;
    -o) outdir=$2; shift 2 ;;
    -s) subjects=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --ping-cpu) ping_cpu=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$ping_cpu" in ''|*[!0-9]*) echo "run.sh: --ping-cpu needs a number of pings, got '$ping_cpu'" >&2; exit 2 ;; esac
case "$runs" in ''|*[!0-9]*|0) echo "run.sh: --runs needs a number of runs (1 or more), got '$runs'" >&2; exit 2 ;; esac
if [ "$runs" -gt 1 ] && [ "$ping_cpu" -gt 0 ]; then
  echo "run.sh: --runs is for the full measurement; --ping-cpu already takes as many pings as you ask" >&2; exit 2
fi
[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root (network namespaces)" >&2; exit 1; }

tag="vb$$"                       # unique per run: namespaces, devices, instance names
ns_c="${tag}-cli"; ns_s="${tag}-srv"
work=$(mktemp -d "/tmp/vpn-bench-e2e.XXXXXX")
results="$work/results.jsonl"
: > "$results"
keep_work=${KEEP_WORK:-}
pids=()                          # every long-running process this script started
subject_pids=()                  # the VPN processes of the subject being measured
subject_addresses=()             # "NS CIDR DEV" the subject added to a device that outlives it
namespaces=()
hz=$(getconf CLK_TCK)
py=/usr/bin/python3              # Debian's python (matplotlib comes from apt)
[ -x "$py" ] || py=python3

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

stop_pid() { # TERM, wait up to 5 s, then KILL; only PIDs we started
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  local pid ns
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  [ -n "${keep_work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

in_c() { ip netns exec "$ns_c" "$@"; }
in_s() { ip netns exec "$ns_s" "$@"; }

# start NAME NS COMMAND...: background process in NS, output to $work/NAME.log; sets $started
start() {
  local name=$1 ns=$2; shift 2
  ip netns exec "$ns" "$@" > "$work/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds or time runs out
wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

cpu_ticks() { # sum of utime+stime over subject_pids (and their threads), in ticks
  local pid total=0 s
  for pid in "${subject_pids[@]}"; do
    s=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null) || s=0
    total=$(( total + ${s:-0} ))
  done
  echo "$total"
}

thread_snap() { # per thread of subject_pids: TID NAME UTIME STIME RUN_NS WAIT_NS (summarize.py ping-cpu)
  local pid t
  for pid in "${subject_pids[@]}"; do
    for t in /proc/"$pid"/task/*; do
      [ -r "$t/schedstat" ] || continue
      printf '%s %s %s %s\n' "${t##*/}" "$(tr -c '[:alnum:]#_.\n-' '_' < "$t/comm")" \
        "$(awk '{ sub(/^.*\) /, ""); print $12, $13 }' "$t/stat")" "$(cut -d' ' -f1,2 "$t/schedstat")"
    done 2>/dev/null
  done | awk 'NF == 6'
}

# measure_ping_cpu SUBJECT TARGET [BIND]: pings 10 ms apart with each VPN thread's CPU time per ping
measure_ping_cpu() {
  local subject=$1 target=$2 bind=${3:-}
  log "$subject: ping $ping_cpu x 0.01 s, CPU per thread"
  thread_snap > "$work/$subject.threads-before"
  timeout $(( ping_cpu / 50 + 30 )) ip netns exec "$ns_c" ping -n -c "$ping_cpu" -i 0.01 -W 1 ${bind:+-I "$bind"} "$target" \
    > "$work/$subject.ping-cpu.txt" 2>&1
  thread_snap > "$work/$subject.threads-after"
  "$py" "$here/summarize.py" ping-cpu "$subject" "$work/$subject.threads-before" "$work/$subject.threads-after" \
    "$ping_cpu" "$hz" "$work/$subject.ping-cpu.txt" | tee -a "$work/ping-cpu.md" >&2
}

# ---------------------------------------------------------------- install
has_candidates() { # has_candidates PACKAGE...: every one can be installed from the package lists
  local p
  for p in "$@"; do
    [[ $(apt-cache policy "$p" 2>/dev/null) == *"Candidate: "[0-9]* ]] || return 1
  done
}

install_packages() {
  local pkgs="iperf3 iproute2 nftables iputils-ping openssl openvpn wireguard-go wireguard-tools strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins tinc python3-matplotlib" p missing=""
  # Outputs are matched whole, not piped into grep -q: under pipefail the writer's SIGPIPE, when
  # grep exits at its first match, would fail the test.
  for p in $pkgs; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *"ok installed"* ]] || missing="$missing $p"
  done
  if [ -n "$missing" ] && ! has_candidates $missing; then
    log "refreshing the package lists (apt-get update)"
    timeout 300 apt-get update -qq >"$work/apt-update.log" 2>&1 || log "apt-get update failed: $(tail -1 "$work/apt-update.log")"
  fi
  local installable=""
  for p in $missing; do
    if has_candidates "$p"; then installable="$installable $p"
    else log "package $p has no install candidate; the subject needing it will fail"; fi
  done
  missing=$installable
  if [ -n "$missing" ]; then
    log "apt-get install$missing"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends $missing >"$work/apt.log" 2>&1 \
      || log "apt-get failed (see below); continuing with what is installed"; tail -3 "$work/apt.log" >&2
  fi
}

# ---------------------------------------------------------------- topology
make_namespaces() {
  local ns
  for ns in "$ns_c" "$ns_s"; do
    ip netns add "$ns" || return 1
    namespaces+=("$ns")
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add veth0 netns "$ns_c" type veth peer name veth0 netns "$ns_s" || return 1
  in_c ip addr add 10.0.0.161/24 dev veth0; in_c ip link set veth0 up
  in_s ip addr add 10.0.0.160/24 dev veth0; in_s ip link set veth0 up
  wait_for 10 in_c ping -c1 -W1 10.0.0.160
}

# ---------------------------------------------------------------- measurements
# measure SUBJECT TARGET [BIND]: iperf3 TCP x1, TCP x4, UDP 1400, UDP 64, ping; one JSON line
measure() {
  local subject=$1 target=$2 bind=${3:-} t0 t1 c0 c1 tcpc0 tcpc1 bindopt=()
  [ -n "$bind" ] && bindopt=(-B "$bind")
  local ito=$(( duration + 20 ))
  log "$subject: warm-up $warmup s TCP, $udp_warmup s each UDP 1400 B and 64 B, $ping_warmup flood pings"
  timeout $(( warmup + 20 )) ip netns exec "$ns_c" iperf3 -c "$target" "${bindopt[@]}" -t "$warmup" >/dev/null 2>&1
  for size in 1400 64; do
    timeout $(( udp_warmup + 20 )) ip netns exec "$ns_c" iperf3 -c "$target" "${bindopt[@]}" -t "$udp_warmup" \
      -u -b 0 -l $size >/dev/null 2>&1
  done
  timeout 120 ip netns exec "$ns_c" ping -n -q -f -c "$ping_warmup" -W 1 ${bind:+-I "$bind"} "$target" >/dev/null 2>&1
  if [ "$ping_cpu" -gt 0 ]; then measure_ping_cpu "$@"; return; fi
  c0=$(cpu_ticks); t0=$(date +%s.%N)
  log "$subject: TCP 1 stream"
  tcpc0=$(cpu_ticks)
  timeout $ito ip netns exec "$ns_c" iperf3 -c "$target" "${bindopt[@]}" -t "$duration" -J > "$work/$subject.tcp1.json" 2>>"$work/$subject.iperf3-stderr.txt"
  tcpc1=$(cpu_ticks)
  log "$subject: TCP 4 streams"
  timeout $ito ip netns exec "$ns_c" iperf3 -c "$target" "${bindopt[@]}" -t "$duration" -P 4 -J > "$work/$subject.tcp4.json" 2>>"$work/$subject.iperf3-stderr.txt"
  for size in 1400 64; do
    log "$subject: UDP $size B"
    # The server's interface counters before and after tell what the VPN delivered from what the
    # receiving iperf3 then read (summarize.py: udp_delivered).
    in_s cat /proc/net/dev > "$work/$subject.udp$size.dev-before"
    timeout $ito ip netns exec "$ns_c" iperf3 -c "$target" "${bindopt[@]}" -t "$duration" -u -b 0 -l $size -J > "$work/$subject.udp$size.json" 2>>"$work/$subject.iperf3-stderr.txt"
    in_s cat /proc/net/dev > "$work/$subject.udp$size.dev-after"
  done
  log "$subject: ping 200 x 0.01 s"
  timeout 30 ip netns exec "$ns_c" ping -n -c 200 -i 0.01 -W 1 ${bind:+-I "$bind"} "$target" > "$work/$subject.ping.txt" 2>&1
  c1=$(cpu_ticks); t1=$(date +%s.%N)
  "$py" "$here/summarize.py" one "$subject" "$work" "$(( c1 - c0 ))" "$(( tcpc1 - tcpc0 ))" "$hz" \
    "$t0" "$t1" "${#subject_pids[@]}" >> "$results"
}

fail() { # fail SUBJECT REASON: records the subject as failed
  log "$1: FAILED: $2"
  if [ "$ping_cpu" -gt 0 ]; then printf '%s: FAILED: %s\n\n' "$1" "$2" >> "$work/ping-cpu.md"; fi
  "$py" -c 'import json,sys; print(json.dumps({"subject": sys.argv[1], "error": sys.argv[2]}))' "$1" "$2" >> "$results"
}

stop_subject() {
  local pid address
  for pid in "${subject_pids[@]}"; do stop_pid "$pid"; done
  subject_pids=()
  # Left in place they would be the next subjects' source address for a device without one.
  for address in "${subject_addresses[@]}"; do
    set -- $address; ip netns exec "$1" ip addr del "$2" dev "$3" 2>/dev/null
  done
  subject_addresses=()
}

# ping_and_measure SUBJECT TARGET: once a ping gets through the tunnel, measures TARGET; stops the subject
ping_and_measure() {
  local subject=$1 target=$2
  if ! wait_for 15 in_c ping -c1 -W1 "$target"; then
    fail "$subject" "failed to start: no ping through the tunnel"; stop_subject; return
  fi
  measure "$subject" "$target"
  stop_subject
}

# up_and_measure SUBJECT SERVER_DEV CLIENT_DEV PREFIX: PREFIX.1/24 on the server's tunnel device,
# PREFIX.2/24 on the client's, both up; then ping_and_measure PREFIX.1
up_and_measure() {
  local subject=$1 dev_s=$2 dev_c=$3 prefix=$4
  in_s ip addr add "$prefix.1/24" dev "$dev_s"; in_s ip link set "$dev_s" up
  in_c ip addr add "$prefix.2/24" dev "$dev_c"; in_c ip link set "$dev_c" up
  ping_and_measure "$subject" "$prefix.1"
}

# ---------------------------------------------------------------- subjects
run_plain() { subject_pids=(); measure plain 10.0.0.160; }

run_espgw() { # run_espgw ALGORITHM [udp [routed [no-busy-poll]]]: udp = ESP in UDP (RFC 3948) at both ends;
  # routed = the client reaches the server by a host route into the tunnel, not by the seed's DNAT;
  # no-busy-poll = both event loops sleep as soon as they are idle (tunnel.busy_poll: 0), not the default
  local alg=$1 encap=${2:-none} same_subnet=offset subject="espgw-$1" k1 k2 side tunnel="{}"
  if [ "$alg" = aes-gcm-128 ]; then
    k1=0x0123456789abcdef0123456789abcdef01234567; k2=0x89abcdef0123456789abcdef0123456789abcdef
  else
    k1=0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567
    k2=0x89abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  fi
  [ "$encap" = udp ] && subject="$subject-udp"
  [ "${3:-}" = routed ] && { same_subnet=route; subject="$subject-routed"; }
  [ "${4:-}" = no-busy-poll ] && { tunnel="{busy_poll: 0}"; subject="$subject-no-busy-poll"; }
  local conf="$work/$subject"
  mkdir -p "$conf"
  cat > "$conf/client.yaml" <<EOF
instance: ${tag}c
role: client
local: 10.0.0.161/24
same_subnet: $same_subnet
tunnel: $tunnel
state_dir: $conf/run-c
sequence_dir: $conf/seq-c
peers:
  - name: server
    address: 10.0.0.160
    encapsulation: $encap
    sa:
      outbound: {spi: 0x00001001, algorithm: $alg, key: $k1}
      inbound:  {spi: 0x00002001, algorithm: $alg, key: $k2}
EOF
  cat > "$conf/server.yaml" <<EOF
instance: ${tag}s
role: server
local: 10.0.0.160/24
tunnel: $tunnel
state_dir: $conf/run-s
sequence_dir: $conf/seq-s
peers:
  - name: client
    address: 10.0.0.161
    encapsulation: $encap
    sa:
      outbound: {spi: 0x00002001, algorithm: $alg, key: $k2}
      inbound:  {spi: 0x00001001, algorithm: $alg, key: $k1}
EOF
  subject_pids=()
  for side in s c; do
    local ns=$ns_s; [ $side = c ] && ns=$ns_c
    start "$subject-$side" "$ns" "$repo/espgw" up -c "$conf/$( [ $side = c ] && echo client || echo server ).yaml"
    subject_pids+=("$started")
    if ! wait_for 90 grep -q '^espgw up: ready' "$work/$subject-$side.log"; then
      fail "$subject" "failed to start: espgw up ($side) not ready in 90 s: $(tail -2 "$work/$subject-$side.log" | tr '\n' ' ')"
      stop_subject; return
    fi
  done
  ping_and_measure "$subject" 10.0.0.160
}

# The floor under espgw (JvmFloor.java): the JDK espgw runs on, the launcher's JVM options, espgw's
# TUN channel, Netty's UDP channel and AES-GCM-128, nothing else. Not a VPN and not an "other VPN".
run_java_floor() {
  local subject=java-floor side ns peer java
  local floor_tun="${tag}fl" jar="$repo/vpn-pipeline/target/vpn-pipeline.jar"
  # The JDK and JVM options (collector, heap, native access) exactly as the launcher gives espgw.
  mapfile -t java < <(timeout 60 "$repo/espgw" --java-command 2>/dev/null)
  [ "${#java[@]}" -gt 1 ] && [ -x "${java[0]}" ] || { fail $subject "failed to start: no JDK from espgw --java-command"; return; }
  subject_pids=()
  for side in s c; do
    ns=$ns_s; peer=10.0.0.161; [ $side = c ] && { ns=$ns_c; peer=10.0.0.160; }
    # ESPGW_JAVA_OPTS as the launcher takes it (word-split, after its own options), so an A/B moves both alike
    start "java-floor-$side" "$ns" "${java[@]}" ${ESPGW_JAVA_OPTS:-} -cp "$jar" "$here/JvmFloor.java" \
      "$floor_tun" 7300 "$peer" 7300
    subject_pids+=("$started")
  done
  if ! wait_for 60 grep -q '^ready' "$work/java-floor-s.log" || ! wait_for 60 grep -q '^ready' "$work/java-floor-c.log"; then
    fail $subject "failed to start: $(tail -1 "$work/java-floor-s.log" "$work/java-floor-c.log" 2>/dev/null | tr '\n' ' ')"
    stop_subject; return
  fi
  up_and_measure $subject "$floor_tun" "$floor_tun" 10.3.0
}

run_openvpn() {
  local d="$work/openvpn" subject=openvpn
  mkdir -p "$d"
  ( cd "$d" && {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench-ca -keyout ca.key -out ca.crt
    for n in server client; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$n" -keyout $n.key -out $n.csr
      printf 'keyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' "$( [ $n = server ] && echo serverAuth || echo clientAuth )" > $n.ext
      openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $n.ext -out $n.crt
    done; } ) > "$d/pki.log" 2>&1 || { fail $subject "failed to start: PKI: $(tail -1 "$d/pki.log")"; return; }
  local common=(openvpn --dev tun --dev-type tun --proto udp --disable-dco --data-ciphers AES-256-GCM --cipher AES-256-GCM
                --ca "$d/ca.crt" --verb 3 --ping 10 --persist-key)
  subject_pids=()
  start openvpn-s "$ns_s" "${common[@]}" --dev "${tag}ovs" --tls-server --dh none --cert "$d/server.crt" --key "$d/server.key" \
      --lport 1194 --ifconfig 10.8.0.1 10.8.0.2
  subject_pids+=("$started")
  start openvpn-c "$ns_c" "${common[@]}" --dev "${tag}ovc" --tls-client --remote-cert-tls server --cert "$d/client.crt" --key "$d/client.key" \
      --remote 10.0.0.160 1194 --nobind --ifconfig 10.8.0.2 10.8.0.1
  subject_pids+=("$started")
  if ! wait_for 30 grep -q 'Initialization Sequence Completed' "$work/openvpn-c.log" || ! wait_for 15 in_c ping -c1 -W1 10.8.0.1; then
    fail $subject "failed to start: $(tail -2 "$work/openvpn-c.log" | tr '\n' ' ')"; stop_subject; return
  fi
  grep -o 'Data Channel: cipher [^ ,]*' "$work/openvpn-c.log" | tail -1 >&2
  measure $subject 10.8.0.1
  stop_subject
}

run_wireguard() {
  local d="$work/wg" subject=wireguard-go kc ks
  mkdir -p "$d"; umask 077
  wg genkey > "$d/c.key" && wg genkey > "$d/s.key" || { fail $subject "failed to start: wg genkey"; return; }
  kc=$(wg pubkey < "$d/c.key"); ks=$(wg pubkey < "$d/s.key")
  subject_pids=()
  start wg-s "$ns_s" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "${tag}wgs"; subject_pids+=("$started")
  start wg-c "$ns_c" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "${tag}wgc"; subject_pids+=("$started")
  if ! wait_for 15 in_s ip link show "${tag}wgs" || ! wait_for 15 in_c ip link show "${tag}wgc"; then
    fail $subject "failed to start: wireguard-go: $(tail -1 "$work/wg-s.log")"; stop_subject; return
  fi
  sleep 0.5
  in_s wg set "${tag}wgs" private-key "$d/s.key" listen-port 51820 peer "$kc" allowed-ips 10.7.0.2/32 endpoint 10.0.0.161:51821
  in_c wg set "${tag}wgc" private-key "$d/c.key" listen-port 51821 peer "$ks" allowed-ips 10.7.0.1/32 endpoint 10.0.0.160:51820
  up_and_measure $subject "${tag}wgs" "${tag}wgc" 10.7.0
}

run_strongswan() {
  # kernel-libipsec: ESP in userspace (charon), packets through a TUN device, ESP in UDP 4500.
  # Inner addresses 10.5.0.1/10.5.0.2 on lo, so the tunnel route never captures IKE itself.
  local d="$work/swan" subject=strongswan-libipsec side charon=/usr/lib/ipsec/charon
  [ -x "$charon" ] || { fail $subject "failed to start: $charon missing"; return; }
  mkdir -p "$d"
  subject_pids=()
  for side in s c; do
    local ns=$ns_s me=10.0.0.160 peer=10.0.0.161 in_me=10.5.0.1 in_peer=10.5.0.2 id_me=server id_peer=client
    [ $side = c ] && { ns=$ns_c me=10.0.0.161 peer=10.0.0.160 in_me=10.5.0.2 in_peer=10.5.0.1 id_me=client id_peer=server; }
    ip netns exec "$ns" ip addr add "$in_me/32" dev lo && subject_addresses+=("$ns $in_me/32 lo")
    cat > "$d/strongswan-$side.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm chapoly kdf pem pkcs1 x509 pubkey curve25519 socket-default kernel-libipsec kernel-netlink vici
  install_routes = yes
  filelog { stderr { default = 1 ike = 1 } }
  plugins {
    vici { socket = unix://$d/charon-$side.vici }
    kernel-libipsec { load = yes }
  }
}
EOF
    cat > "$d/swanctl-$side.conf" <<EOF
connections {
  bench {
    version = 2
    local_addrs = $me
    remote_addrs = $peer
    proposals = aes128gcm16-prfsha256-x25519
    encap = yes
    local { auth = psk
            id = $id_me }
    remote { auth = psk
             id = $id_peer }
    children {
      bench {
        local_ts = $in_me/32
        remote_ts = $in_peer/32
        esp_proposals = aes128gcm16
        start_action = $( [ $side = c ] && echo start || echo none )
      }
    }
  }
}
secrets {
  ike-bench { id-1 = client
              id-2 = server
              secret = "bench-psk-not-secret-0123456789" }
}
EOF
    # Both charons share the filesystem: own strongswan.conf (vici socket in $work); the
    # compiled-in pid file /run/charon.pid is kept apart by a private /run in the netns' mount ns.
    mkdir -p "$d/run-$side"
    start "swan-$side" "$ns" env STRONGSWAN_CONF="$d/strongswan-$side.conf" \
        sh -c "mount --bind '$d/run-$side' /run && exec $charon"
    subject_pids+=("$started")
    if ! wait_for 15 test -S "$d/charon-$side.vici"; then
      fail $subject "failed to start: charon ($side): $(grep -iE 'error|fail|abort' "$work/swan-$side.log" | tail -2 | tr '\n' ' ')"
      stop_subject; return
    fi
  done
  for side in s c; do
    local ns=$ns_s; [ $side = c ] && ns=$ns_c
    timeout 20 ip netns exec "$ns" swanctl --load-all --noprompt --uri "unix://$d/charon-$side.vici" --file "$d/swanctl-$side.conf" >"$d/load-$side.log" 2>&1 \
      || { fail $subject "failed to start: swanctl --load-all ($side): $(tail -1 "$d/load-$side.log")"; stop_subject; return; }
  done
  timeout 20 ip netns exec "$ns_c" swanctl --initiate --child bench --uri "unix://$d/charon-c.vici" >"$d/initiate.log" 2>&1
  if ! wait_for 15 in_c ping -c1 -W1 -I 10.5.0.2 10.5.0.1; then
    fail $subject "failed to start: $(grep -iE 'error|fail|abort|unable' "$work/swan-c.log" "$d/initiate.log" | tail -2 | tr '\n' ' ')"
    stop_subject; return
  fi
  measure $subject 10.5.0.1 10.5.0.2
  stop_subject
}

run_tinc() {
  local d="$work/tinc" subject=tinc side
  subject_pids=()
  for side in s c; do
    local name=bench_$side ip=10.6.0.1 other=bench_c dev="${tag}ts"
    [ $side = c ] && { ip=10.6.0.2 other=bench_s dev="${tag}tc"; }
    mkdir -p "$d/$side/hosts"
    {
      echo "Name = $name"; echo "Mode = router"; echo "AddressFamily = ipv4"; echo "Interface = $dev"
      echo "Device = /dev/net/tun"
      [ $side = c ] && echo "ConnectTo = bench_s"
    } > "$d/$side/tinc.conf"
    {
      echo "Address = $( [ $side = s ] && echo 10.0.0.160 || echo 10.0.0.161 )"; echo "Subnet = $ip/32"
      echo "Cipher = aes-256-cbc"; echo "Digest = sha256"
    } > "$d/$side/hosts/$name"
    printf '#!/bin/sh\nip addr add %s/24 dev "$INTERFACE"\nip link set "$INTERFACE" up\n' "$ip" > "$d/$side/tinc-up"
    chmod +x "$d/$side/tinc-up"
    timeout 60 tincd -c "$d/$side" -K 2048 < /dev/null > "$d/keygen-$side.log" 2>&1 \
      || { fail $subject "failed to start: tincd -K: $(tail -1 "$d/keygen-$side.log")"; return; }
  done
  cp "$d/s/hosts/bench_s" "$d/c/hosts/"; cp "$d/c/hosts/bench_c" "$d/s/hosts/"
  start tinc-s "$ns_s" tincd -c "$d/s" -D --pidfile="$d/s.pid" --logfile="$d/s.log"; subject_pids+=("$started")
  start tinc-c "$ns_c" tincd -c "$d/c" -D --pidfile="$d/c.pid" --logfile="$d/c.log"; subject_pids+=("$started")
  if ! wait_for 30 in_c ping -c1 -W1 10.6.0.1; then
    fail $subject "failed to start: $(tail -2 "$d/c.log" "$work/tinc-c.log" 2>/dev/null | tr '\n' ' ')"; stop_subject; return
  fi
  measure $subject 10.6.0.1
  stop_subject
}

# ---------------------------------------------------------------- main
[ $install = 1 ] && install_packages
# ./espgw rebuilds its jar when a source is newer; do that now, not inside a subject's start timeout.
case " $subjects " in *" espgw-"*|*" java-floor "*)
  log "building espgw if its sources changed"
  timeout 900 "$repo/espgw" version >/dev/null 2>"$work/espgw-build.log" \
    || { echo "run.sh: building espgw failed: $(tail -3 "$work/espgw-build.log")" >&2; exit 1; } ;;
esac
command -v iperf3 >/dev/null || { echo "run.sh: iperf3 missing" >&2; exit 1; }
make_namespaces || { echo "run.sh: could not build the namespaces" >&2; exit 1; }
start iperf3-server "$ns_s" iperf3 -s
wait_for 10 sh -c "ip netns exec $ns_s ss -ltn | grep -q ':5201 '" || { echo "run.sh: iperf3 -s did not start" >&2; exit 1; }
log "namespaces $ns_c / $ns_s, $duration s per measurement, work dir $work"

# measure_subjects: every subject once, one JSON line each in $results
measure_subjects() {
  local s
  : > "$results"
  for s in $subjects; do
    case "$s" in
      plain) run_plain ;;
      espgw-aes-gcm-128) run_espgw aes-gcm-128 ;;
      espgw-aes-gcm-128-udp) run_espgw aes-gcm-128 udp ;;
      espgw-aes-gcm-128-udp-routed) run_espgw aes-gcm-128 udp routed ;;
      espgw-aes-gcm-128-udp-routed-no-busy-poll) run_espgw aes-gcm-128 udp routed no-busy-poll ;;
      espgw-chacha20-poly1305) run_espgw chacha20-poly1305 ;;
      java-floor) run_java_floor ;;
      openvpn) command -v openvpn >/dev/null && run_openvpn || fail openvpn "failed to start: openvpn not installed" ;;
      wireguard-go) command -v wireguard-go >/dev/null && run_wireguard || fail wireguard-go "failed to start: wireguard-go not installed" ;;
      strongswan-libipsec) command -v swanctl >/dev/null && run_strongswan || fail strongswan-libipsec "failed to start: swanctl not installed" ;;
      tinc) command -v tincd >/dev/null && run_tinc || fail tinc "failed to start: tincd not installed" ;;
      *) fail "$s" "unknown subject" ;;
    esac
  done
}

# describe_machine: the machine, its load since $load_at_start and the versions measured
describe_machine() {
  local jdk
  jdk=$(timeout 60 "$repo/espgw" version 2>/dev/null | tr '\n' ' ')
  printf 'nproc=%s; cpu=%s; kernel=%s; loadavg at start %s, at end %s (other load on the machine is not excluded); espgw: %s; openvpn=%s; wireguard-go=%s; strongswan=%s; tinc=%s; iperf3=%s' \
    "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(uname -r)" "$load_at_start" "$(cut -d" " -f1-3 /proc/loadavg)" "$jdk" \
    "$(dpkg-query -W -f='${Version}' openvpn 2>/dev/null)" "$(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null)" \
    "$(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null)" "$(dpkg-query -W -f='${Version}' tinc 2>/dev/null)" \
    "$(dpkg-query -W -f='${Version}' iperf3 2>/dev/null)"
}

mkdir -p "$outdir"
if [ "$ping_cpu" -gt 0 ]; then
  load_at_start=$(cut -d" " -f1-3 /proc/loadavg)
  measure_subjects
  stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
  { printf '# CPU per ping, %s\n\n%s\n\nWarm-up: %s s TCP, %s s each UDP 1400 B and 64 B, %s flood pings; then %s pings 10 ms apart. On CPU and waiting for a CPU (runnable in the run queue) from /proc/PID/task/TID/schedstat, user and system from its stat (in ticks of 1/%s s, so coarse).\n\n' \
      "$stamp" "$(describe_machine)" "$warmup" "$udp_warmup" "$ping_warmup" "$ping_cpu" "$hz"
    cat "$work/ping-cpu.md" 2>/dev/null; } > "$outdir/ping-cpu-$stamp.md"
  log "wrote $outdir/ping-cpu-$stamp.md"
  exit 0
fi
reports=()
for run in $(seq "$runs"); do
  [ "$runs" -gt 1 ] && log "run $run of $runs"
  started_at=$(date +%s)
  load_at_start=$(cut -d" " -f1-3 /proc/loadavg)
  measure_subjects
  stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
  "$py" "$here/summarize.py" report "$results" "$outdir/e2e-$stamp" "$stamp" "$(describe_machine)" "$duration" "$(( $(date +%s) - started_at ))" "$warmup" "$udp_warmup" "$ping_warmup"
  reports+=("$outdir/e2e-$stamp.json")
done
if [ "$runs" -gt 1 ]; then
  "$py" "$here/summarize.py" median "$outdir/e2e-median-$stamp" "${reports[@]}"
fi
