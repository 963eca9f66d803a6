#!/usr/bin/env bash
# Records IKEv2 known-answer fixtures from two strongSwan 5.9.8 charons (kernel-libipsec) talking
# to each other in two network namespaces this script creates and removes. For each case it
# writes, next to this script in <case>/: the IKE messages as sent on the wire (UDP payload, no
# non-ESP marker), the first ESP packet each way, the capture, the charons' logs and swanctl
# configs, certificates/keys for the certificate case, and keys.properties with every secret
# charon logs at IKE/CHD log level 4. See README.md. Run as root:
#     vpn-pipeline/src/test/resources/ike/strongswan/record.sh [CASE...]
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
all_cases="psk-aes128gcm16-prfsha256-x25519 psk-chacha20poly1305-prfsha256-ecp256 ed25519-cert-aes128gcm16-prfsha256-x25519 ecdsa-cert-aes128gcm16-prfsha256-ecp256 psk-initiator-default-proposals psk-aes128gcm16-prfsha256-x25519-rekey"
cases=${*:-$all_cases}
charon=/usr/lib/ipsec/charon
[ "$(id -u)" = 0 ] || { echo "record.sh: must run as root (network namespaces)" >&2; exit 1; }
for tool in "$charon" swanctl pki tshark tcpdump xxd; do
  command -v "$tool" >/dev/null || { echo "record.sh: $tool missing" >&2; exit 1; }
done

# Outer (IKE, ESP-in-UDP) and inner (tunnelled) addresses: documentation ranges, inside the
# namespaces only.
initiator_outer=192.0.2.1 responder_outer=192.0.2.2
initiator_inner=198.51.100.1 responder_inner=198.51.100.2
initiator_id=initiator.espgw.test responder_id=responder.espgw.test
psk="espgw-fixture-psk-not-secret"

work=$(mktemp -d /tmp/swrec.XXXXXX)
ns_i="swrec$$-i" ns_r="swrec$$-r"
pids=()
namespaces=()

stop_pid() { # TERM, wait up to 5 s, then KILL; only PIDs this script started
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
teardown() {
  local pid ns
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  pids=()
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  namespaces=()
}
trap 'teardown; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for SECONDS COMMAND...: polls every 0.2 s
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

make_namespaces() {
  local ns
  for ns in "$ns_i" "$ns_r"; do
    ip netns add "$ns"; namespaces+=("$ns")
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
  ip link add i0 netns "$ns_i" type veth peer name r0 netns "$ns_r"
  ip -n "$ns_i" addr add "$initiator_outer/24" dev i0; ip -n "$ns_i" link set i0 up
  ip -n "$ns_r" addr add "$responder_outer/24" dev r0; ip -n "$ns_r" link set r0 up
  ip -n "$ns_i" addr add "$initiator_inner/32" dev lo
  ip -n "$ns_r" addr add "$responder_inner/32" dev lo
}

make_certificates() { # make_certificates OUT KEYTYPE: CA and one end certificate per side, SAN = the side's IKE identity
  local out=$1 side id
  local -a keytype=(--type "$2"); [ "$2" = ecdsa ] && keytype+=(--size 256)
  # (pki loads every installed plugin; its complaints about a missing TPM go to the log)
  pki --gen "${keytype[@]}" --outform pem > "$out/ca-key.pem" 2>>"$work/pki.log"
  pki --self --in "$out/ca-key.pem" --ca --lifetime 3650 \
      --dn "CN=espgw fixture CA" --outform pem > "$out/ca-cert.pem" 2>>"$work/pki.log"
  for side in initiator responder; do
    id=$initiator_id; [ $side = responder ] && id=$responder_id
    pki --gen "${keytype[@]}" --outform pem > "$out/$side-key.pem" 2>>"$work/pki.log"
    pki --pub --in "$out/$side-key.pem" 2>>"$work/pki.log" \
      | pki --issue --cacert "$out/ca-cert.pem" --cakey "$out/ca-key.pem" --lifetime 3650 \
            --dn "CN=$id" --san "$id" --outform pem > "$out/$side-cert.pem" 2>>"$work/pki.log"
  done
}

# write_configs SIDE AUTH IKE_PROPOSAL ESP_PROPOSAL CASE_DIR: strongswan.conf and swanctl.conf
write_configs() {
  local side=$1 auth=$2 proposal=$3 esp=$4 out=$5 dir="$work/$1"
  local me=$initiator_outer peer=$responder_outer in_me=$initiator_inner in_peer=$responder_inner
  local id_me=$initiator_id id_peer=$responder_id
  if [ "$side" = responder ]; then
    me=$responder_outer peer=$initiator_outer in_me=$responder_inner in_peer=$initiator_inner
    id_me=$responder_id id_peer=$initiator_id
  fi
  mkdir -p "$dir/run" "$dir/x509" "$dir/x509ca" "$dir/private"
  cat > "$dir/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm chapoly curve25519 kdf pem pkcs1 pkcs8 x509 pubkey socket-default kernel-libipsec kernel-netlink vici
  install_routes = yes
  filelog {
    keys {
      path = $dir/charon.log
      time_format = %s
      default = 1
      ike = 4
      chd = 4
    }
  }
  plugins {
    vici { socket = unix://$dir/vici }
  }
}
EOF
  local local_auth="auth = psk" remote_auth="auth = psk" secrets
  secrets="ike-fixture {
    id-1 = $initiator_id
    id-2 = $responder_id
    secret = \"$psk\"
  }"
  if [ "$auth" = pubkey ]; then
    cp "$out/ca-cert.pem" "$dir/x509ca/"
    cp "$out/$side-cert.pem" "$dir/x509/"
    cp "$out/$side-key.pem" "$dir/private/"
    local_auth="auth = pubkey
      certs = $side-cert.pem"
    remote_auth="auth = pubkey"
    secrets="private-$side { file = $side-key.pem }"
  fi
  cat > "$dir/swanctl.conf" <<EOF
connections {
  fixture {
    version = 2
    local_addrs = $me
    remote_addrs = $peer
    proposals = $proposal
    local {
      $local_auth
      id = $id_me
    }
    remote {
      $remote_auth
      id = $id_peer
    }
    children {
      fixture {
        local_ts = $in_me/32
        remote_ts = $in_peer/32
        esp_proposals = $esp
      }
    }
  }
}
secrets {
  $secrets
}
EOF
  cp "$dir/swanctl.conf" "$out/swanctl-$side.conf"
}

start_charon() { # start_charon SIDE NS: private /run (the pid file path is compiled in)
  local side=$1 ns=$2 dir="$work/$1"
  ip netns exec "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" \
      sh -c "mount --bind '$dir/run' /run && exec $charon" > "$dir/stdout.log" 2>&1 &
  pids+=("$!")
  wait_for 15 test -S "$dir/vici" || { echo "record.sh: charon ($side) did not start" >&2; return 1; }
}

swan() { # swan SIDE NS ARGS...: swanctl against that side's charon
  local side=$1 ns=$2; shift 2
  timeout 30 ip netns exec "$ns" swanctl "$@" --uri "unix://$work/$side/vici"
}

# hexdumps FILE LABEL: one lowercase hex line per charon "%B" dump whose message is LABEL.
# A dump is "NN[IKE] LABEL => N bytes @ 0x..." followed by "NN[IKE]    0: 01 02 ... ascii" lines.
hexdumps() {
  awk -v label="$2" '
    function flush() { if (collecting) print tolower(hex); collecting = 0 }
    {
      tag = $2; rest = $0; sub(/^[^ ]+ [^ ]+ /, "", rest)
      if (collecting && tag == dump_tag && rest ~ /^ *[0-9]+: /) {
        line = rest; sub(/^ *[0-9]+: /, "", line); line = substr(line, 1, 47); gsub(/ /, "", line)
        hex = hex line; next
      }
      flush()
      if (index(rest, label " => ") == 1) { collecting = 1; dump_tag = tag; hex = "" }
    }
    END { flush() }' "$1"
}

# nth_dump LOG LABEL N: the Nth dump of LABEL in LOG (1-based); empty if absent
nth_dump() { hexdumps "$1" "$2" | sed -n "${3}p"; }

exchange_name() {
  case $1 in 34) echo ike_sa_init ;; 35) echo ike_auth ;; 36) echo create_child_sa ;; 37) echo informational ;; *) echo "exchange$1" ;; esac
}

# split_capture PCAP OUT: numbered IKE messages and the first ESP packet each way
split_capture() {
  local pcap=$1 out=$2 n=0 src sport payload seen="" exch flags kind esp_i="" esp_r=""
  while IFS='|' read -r src sport payload; do
    if [ "$sport" = 4500 ]; then
      if [ "$payload" = ff ]; then continue; fi                 # NAT-keepalive (RFC 3948 §2.3)
      if [ "${payload:0:8}" != 00000000 ]; then               # ESP: SPI is never zero
        if [ "$src" = "$initiator_outer" ] && [ -z "$esp_i" ]; then
          esp_i=1; echo -n "$payload" | xxd -r -p > "$out/esp-initiator-to-responder.bin"
        elif [ "$src" = "$responder_outer" ] && [ -z "$esp_r" ]; then
          esp_r=1; echo -n "$payload" | xxd -r -p > "$out/esp-responder-to-initiator.bin"
        fi
        continue
      fi
      payload=${payload:8}                                     # non-ESP marker (RFC 3948 §2.2)
    fi
    case " $seen " in *" $payload "*) continue ;; esac        # a retransmission
    seen="$seen $payload"
    n=$((n + 1))
    exch=$((16#${payload:36:2})); flags=$((16#${payload:38:2}))
    kind=request; [ $((flags & 0x20)) -ne 0 ] && kind=response
    echo -n "$payload" | xxd -r -p > "$out/$n-$(exchange_name "$exch")-$kind.bin"
  done < <(tshark -r "$pcap" -Y udp -T fields -E separator='|' -e ip.src -e udp.srcport -e udp.payload 2>/dev/null)
}

# keys CASE_DIR: keys.properties from both logs (they must agree) and the IKE header fields
write_keys() {
  local out=$1 li="$work/initiator/charon.log" lr="$work/responder/charon.log" name label nth value other
  local sas=$2 pcap="$out/capture.pcap"
  {
    echo "# Recorded by record.sh from strongSwan $(dpkg-query -W -f='${Version}' strongswan-charon) on $(date -u +%Y-%m-%d); see README.md for what each name means."
    echo "# Hex, lowercase. All values are throwaway test secrets."
    echo "ike_proposal=$(sed -n 's/.* \(encr-alg=.*dh-group=[^ ]*\).*/\1/p' <<<"$sas" | head -1)"
    echo "child_proposal=$(sed -n 's/.* \(encr-alg=[^ ]*\( encr-keysize=[^ ]*\)\{0,1\}\)\( integ-alg=[^ ]*\)\{0,1\} bytes-in=.*/\1\3/p' <<<"$sas" | head -1)"
    echo "initiator_address=$initiator_outer"
    echo "responder_address=$responder_outer"
    echo "initiator_id=$initiator_id"
    echo "responder_id=$responder_id"
    [ -n "${3:-}" ] && echo "psk=$psk" && echo "psk_hex=$(echo -n "$psk" | xxd -p | tr -d '\n')"
    echo "spi_i=$(tshark -r "$pcap" -Y 'isakmp.exchangetype == 34 && isakmp.flag_r == 1' -T fields -e isakmp.ispi 2>/dev/null | head -1)"
    echo "spi_r=$(tshark -r "$pcap" -Y 'isakmp.exchangetype == 34 && isakmp.flag_r == 1' -T fields -e isakmp.rspi 2>/dev/null | head -1)"
    echo "ni=$(tshark -r "$pcap" -Y 'isakmp.exchangetype == 34 && isakmp.flag_r == 0' -T fields -e isakmp.nonce 2>/dev/null | head -1)"
    echo "nr=$(tshark -r "$pcap" -Y 'isakmp.exchangetype == 34 && isakmp.flag_r == 1' -T fields -e isakmp.nonce 2>/dev/null | head -1)"
    # name, charon's log label, which occurrence in the initiator's log
    while read -r name nth label; do
      value=$(nth_dump "$li" "$label" "$nth")
      other=$(nth_dump "$lr" "$label" "$nth")
      if [ -z "$value" ]; then continue; fi
      [ "$value" = "$other" ] || { echo "record.sh: initiator and responder disagree on $name" >&2; return 1; }
      echo "$name=$value"
    done <<'EOF'
g_ir 1 shared Diffie Hellman secret
skeyseed 1 SKEYSEED
sk_d 1 Sk_d secret
sk_ai 1 Sk_ai secret
sk_ar 1 Sk_ar secret
sk_ei 1 Sk_ei secret
sk_er 1 Sk_er secret
sk_pi 1 Sk_pi secret
sk_pr 1 Sk_pr secret
auth_octets_i 1 octets = message + nonce + prf(Sk_px, IDx')
auth_octets_r 2 octets = message + nonce + prf(Sk_px, IDx')
auth_psk_i 1 AUTH = prf(prf(secret, keypad), octets)
auth_psk_r 2 AUTH = prf(prf(secret, keypad), octets)
child_keymat_seed 1 seed
child_encr_i_to_r 1 encryption initiator key
child_encr_r_to_i 1 encryption responder key
child_integ_i_to_r 1 integrity initiator key
child_integ_r_to_i 1 integrity responder key
EOF
    echo "child_spi_i_to_r=$(sed -n 's/.*spi-in=[^ ]* spi-out=\([^ ]*\).*/\1/p' <<<"$sas" | head -1)"
    echo "child_spi_r_to_i=$(sed -n 's/.*spi-in=\([^ ]*\) spi-out=.*/\1/p' <<<"$sas" | head -1)"
    [ -z "$rekeyed_child_sas" ] || write_rekey_keys "$li" "$lr"
  } > "$out/keys.properties"
}

# write_rekey_keys INITIATOR_LOG RESPONDER_LOG: the CREATE_CHILD_SA exchanges of the rekey case
# (child rekey with PFS, then IKE rekey), from the second dumps of the same labels. charon logs
# no separate DH secret for the CHILD SA: its g^ir opens its KEYMAT seed.
write_rekey_keys() {
  local li=$1 lr=$2 name nth label value other
  while read -r name nth label; do
    value=$(nth_dump "$li" "$label" "$nth")
    other=$(nth_dump "$lr" "$label" "$nth")
    [ -n "$value" ] && [ "$value" = "$other" ] || { echo "record.sh: no agreed $name" >&2; return 1; }
    echo "$name=$value"
  done <<'EOF'
rekey_child_keymat_seed 2 seed
rekey_child_encr_i_to_r 2 encryption initiator key
rekey_child_encr_r_to_i 2 encryption responder key
rekey_ike_g_ir 2 shared Diffie Hellman secret
rekey_ike_skeyseed 2 SKEYSEED
rekey_ike_sk_d 2 Sk_d secret
rekey_ike_sk_ei 2 Sk_ei secret
rekey_ike_sk_er 2 Sk_er secret
rekey_ike_sk_pi 2 Sk_pi secret
rekey_ike_sk_pr 2 Sk_pr secret
EOF
  echo "rekey_child_spi_i_to_r=$(sed -n 's/.*state=INSTALLED .*spi-in=[^ ]* spi-out=\([^ ]*\).*/\1/p' <<<"$rekeyed_child_sas" | head -1)"
  echo "rekey_child_spi_r_to_i=$(sed -n 's/.*state=INSTALLED .*spi-in=\([^ ]*\) spi-out=.*/\1/p' <<<"$rekeyed_child_sas" | head -1)"
  echo "rekey_ike_spi_i=$(sed -n 's/.* initiator-spi=\([^ ]*\).*/\1/p' <<<"$rekeyed_ike_sas" | head -1)"
  echo "rekey_ike_spi_r=$(sed -n 's/.* responder-spi=\([^ ]*\).*/\1/p' <<<"$rekeyed_ike_sas" | head -1)"
}

record_case() {
  local name=$1 auth=psk keytype=ed25519 proposal esp initiator_proposal initiator_esp out="$here/$1" sas
  rekeyed_child_sas="" rekeyed_ike_sas=""
  case $name in
    psk-aes128gcm16-prfsha256-x25519|psk-initiator-default-proposals)
      proposal=aes128gcm16-prfsha256-x25519; esp=aes128gcm16 ;;
    psk-aes128gcm16-prfsha256-x25519-rekey) # PFS for the rekeyed CHILD SA (the first one never has it)
      proposal=aes128gcm16-prfsha256-x25519; esp=aes128gcm16-x25519 ;;
    psk-chacha20poly1305-prfsha256-ecp256) proposal=chacha20poly1305-prfsha256-ecp256; esp=chacha20poly1305 ;;
    ed25519-cert-aes128gcm16-prfsha256-x25519) auth=pubkey; proposal=aes128gcm16-prfsha256-x25519; esp=aes128gcm16 ;;
    ecdsa-cert-aes128gcm16-prfsha256-ecp256) # RFC 7427 method 14 with ecdsa-with-SHA256
      auth=pubkey keytype=ecdsa; proposal=aes128gcm16-prfsha256-ecp256; esp=aes128gcm16 ;;
    *) echo "record.sh: unknown case $name (known: $all_cases)" >&2; return 2 ;;
  esac
  initiator_proposal=$proposal initiator_esp=$esp
  # What espgw meets as responder when charon initiates with its defaults: the responder accepts
  # only the AEAD suite above.
  [ "$name" = psk-initiator-default-proposals ] && initiator_proposal=default initiator_esp=default
  echo "record.sh: $name" >&2
  rm -rf "$out" "$work/initiator" "$work/responder"; mkdir -p "$out"
  make_namespaces
  [ "$auth" = pubkey ] && make_certificates "$out" "$keytype"
  write_configs initiator "$auth" "$initiator_proposal" "$initiator_esp" "$out"
  write_configs responder "$auth" "$proposal" "$esp" "$out"
  start_charon initiator "$ns_i"
  start_charon responder "$ns_r"
  ip netns exec "$ns_i" tcpdump -i i0 -U -s 0 -w "$work/capture.pcap" udp > "$work/tcpdump.log" 2>&1 &
  pids+=("$!")
  wait_for 10 grep -q 'listening on' "$work/tcpdump.log"
  swan initiator "$ns_i" --load-all --noprompt --file "$work/initiator/swanctl.conf" > "$work/load-i.log" 2>&1
  swan responder "$ns_r" --load-all --noprompt --file "$work/responder/swanctl.conf" > "$work/load-r.log" 2>&1
  swan initiator "$ns_i" --initiate --child fixture > "$work/initiate.log" 2>&1 \
    || { cat "$work/initiate.log" >&2; return 1; }
  wait_for 15 ip netns exec "$ns_i" ping -c1 -W1 -I "$initiator_inner" "$responder_inner" \
    || { echo "record.sh: no ping through the tunnel" >&2; return 1; }
  sas=$(swan initiator "$ns_i" --list-sas --raw)
  if [ "$name" = psk-aes128gcm16-prfsha256-x25519-rekey ]; then
    swan initiator "$ns_i" --rekey --child fixture > "$work/rekey-child.log" 2>&1
    sleep 1
    ip netns exec "$ns_i" ping -c1 -W2 -I "$initiator_inner" "$responder_inner" > /dev/null
    rekeyed_child_sas=$(swan initiator "$ns_i" --list-sas --raw)
    swan initiator "$ns_i" --rekey --ike fixture > "$work/rekey-ike.log" 2>&1
    sleep 1
    rekeyed_ike_sas=$(swan initiator "$ns_i" --list-sas --raw)
  fi
  swan initiator "$ns_i" --terminate --ike fixture > "$work/terminate.log" 2>&1
  sleep 1
  teardown
  cp "$work/capture.pcap" "$out/capture.pcap"
  cp "$work/initiator/charon.log" "$out/charon-initiator.log"
  cp "$work/responder/charon.log" "$out/charon-responder.log"
  split_capture "$out/capture.pcap" "$out"
  write_keys "$out" "$sas" "$( [ "$auth" = psk ] && echo psk )"
  echo "record.sh: $name: $(ls "$out" | tr '\n' ' ')" >&2
}

for c in $cases; do record_case "$c"; done
