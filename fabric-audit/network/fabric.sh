#!/usr/bin/env bash
# The local Hyperledger Fabric network of GenoVFL's audit trail (issue 6):
#   ./genovfl fabric up|down|status|logs
# One Raft orderer and one peer per party organisation (hospital, lab, coordinator) as
# local processes, a regulator organisation with client identities only, the channel
# genovfl-audit created through the channel participation API, and the Java audit
# chaincode run as a service (CCaaS), one chaincode server per party organisation.
# Binaries come from `go install` at Fabric v2.5.16 and are cached; configuration starts
# from Fabric's sampleconfig in the Go module cache, overridden by environment variables.
# Nothing of Fabric's is committed. See docs/fabric.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="${GENOVFL_CACHE:-$HOME/.cache/genovfl}"
FABRIC_COMMIT=f871cf92a026aba7b12e6f06d71ded3e6e659d71   # v2.5.16
BIN="$CACHE/fabric-bin"
NET="${GENOVFL_FABRIC_DIR:-$ROOT/.genovfl/fabric}"     # crypto, ledgers, pids, logs, connections
CHANNEL=genovfl-audit
CHAINCODE=genovfl-audit
CC_JAR="$ROOT/fabric-audit/chaincode/target/genovfl-audit-chaincode.jar"
DOMAIN=genovfl.local
PARTIES=(hospital lab coordinator)                   # organisations whose events the channel records
ORGS=("${PARTIES[@]}" regulator)                     # organisations that run a peer: the regulator keeps its own copy
declare -A MSP=([hospital]=HospitalMSP [lab]=LabMSP [coordinator]=CoordinatorMSP [regulator]=RegulatorMSP)
declare -A NAME=([hospital]="St Ada University Hospital" [lab]="Helix Sequencing Lab" [coordinator]="GenoVFL Study Coordination")
declare -A PEER_PORT=([hospital]=7051 [lab]=8051 [coordinator]=9051 [regulator]=10051)
declare -A CC_PORT=([hospital]=7999 [lab]=8999 [coordinator]=9999 [regulator]=10999)
ORDERER_PORT=7050 ORDERER_ADMIN_PORT=7053
export PATH="$BIN:/usr/local/go/bin:$PATH"

started=0
step() { started=$(date +%s%N); printf '==> fabric: %s\n' "$*"; }
step_done() { local ms=$(( ($(date +%s%N) - started) / 1000000 )); printf '    %s (%d.%d s)\n' "${1:-done}" $((ms / 1000)) $((ms % 1000 / 100)); }
die() { printf 'fabric: %s\n' "$*" >&2; exit 1; }

# --- binaries -------------------------------------------------------------------------
# From GENOVFL_FABRIC_SOURCE (Fabric's source with vendor/, as an archive or a directory)
# when set, else `go install` at the pinned commit. Built once into $BIN; rebuilt only when
# the source's sha256 changes. sampleconfig/ is copied from the same source.
TOOLS=(peer orderer configtxgen cryptogen osnadmin) BUILDERS=(detect build release)

source_hash() { # source -> sha256 of the archive, or of every file of the directory
  if [ -f "$1" ]; then sha256sum "$1" | cut -d' ' -f1
  else (cd "$1" && find . -path ./BIN -prune -o -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  fi
}

binaries_present() { local t; for t in "${TOOLS[@]}" "${BUILDERS[@]}"; do [ -x "$BIN/$t" ] || return 1; done; [ -d "$BIN/sampleconfig" ]; }

build_binaries() {
  step "Fabric binaries at v2.5.16 ($BIN)"
  local source=${GENOVFL_FABRIC_SOURCE:-} stamp log="$CACHE/fabric-build.log"
  mkdir -p "$CACHE"
  if [ -n "$source" ]; then
    [ -e "$source" ] || die "GENOVFL_FABRIC_SOURCE=$source does not exist"
    stamp="source-sha256 $(source_hash "$source")"
  else
    stamp="go-install $FABRIC_COMMIT"
    # Without a source to compare with, binaries built earlier (from any source) are the ones to use.
    if binaries_present; then step_done "cached ($(cat "$BIN/.stamp" 2>/dev/null))"; return; fi
  fi
  if binaries_present && [ "$(cat "$BIN/.stamp" 2>/dev/null)" = "$stamp" ]; then
    step_done "cached"; return
  fi
  local fresh="$BIN.new"
  rm -rf "$fresh"; mkdir -p "$fresh/ccaas/bin"; : > "$log"
  if [ -n "$source" ]; then build_from_source "$source" "$fresh" "$log"; else build_with_go_install "$fresh" "$log"; fi
  for b in "${BUILDERS[@]}"; do ln -sf "../../$b" "$fresh/ccaas/bin/$b"; done
  echo "$stamp" > "$fresh/.stamp"
  rm -rf "$BIN"; mv "$fresh" "$BIN"
  step_done "built"
}

build_from_source() { # source, output dir, log
  local source=$1 out=$2 log=$3 tree
  if [ -f "$source" ]; then
    tree=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-fabric-src.XXXXXX")
    echo "    unpacking $(basename "$source")"
    tar -xf "$source" -C "$tree" 2>> "$log" || { rm -rf "$tree"; die "cannot unpack $source: corrupt or not a tar archive (log: $log)"; }
    local top; top=$(find "$tree" -mindepth 1 -maxdepth 2 -name go.mod -path '*/fabric*/go.mod' | head -1)
    [ -n "$top" ] || { rm -rf "$tree"; die "$source holds no Fabric source (no go.mod) (log: $log)"; }
    compile_fabric "$(dirname "$top")" "$out" "$log"
    rm -rf "$tree"
  else
    [ -f "$source/go.mod" ] || die "$source holds no Fabric source (no go.mod)"
    compile_fabric "$source" "$out" "$log"
  fi
}

compile_fabric() { # source tree, output dir, log
  local src=$1 out=$2 log=$3
  [ -d "$src/vendor" ] && [ -d "$src/sampleconfig" ] || die "$src lacks vendor/ or sampleconfig/ (log: $log)"
  echo "    go build ${TOOLS[*]} (first time only: 2 to 8 minutes on 2 cores; log: $log)"
  (cd "$src" && GOFLAGS=-buildvcs=false go build -mod=vendor -o "$out/" $(printf './cmd/%s ' "${TOOLS[@]}")) >> "$log" 2>&1 \
    || die "building Fabric's binaries failed (log: $log)"
  echo "    go build ccaas_builder ${BUILDERS[*]}"
  (cd "$src/ccaas_builder" && GOFLAGS=-buildvcs=false go build -o "$out/" $(printf './cmd/%s ' "${BUILDERS[@]}")) >> "$log" 2>&1 \
    || die "building Fabric's ccaas builder failed (log: $log)"
  cp -r "$src/sampleconfig" "$out/sampleconfig"
}

build_with_go_install() { # output dir, log
  local out=$1 log=$2 pkgs=() t
  for t in "${TOOLS[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$t@$FABRIC_COMMIT"); done
  for t in "${BUILDERS[@]}"; do pkgs+=("github.com/hyperledger/fabric/ccaas_builder/cmd/$t@$FABRIC_COMMIT"); done
  echo "    go install (GENOVFL_FABRIC_SOURCE is not set; first time only: several minutes on 2 cores)"
  GOBIN="$out" GOFLAGS=-buildvcs=false go install "${pkgs[@]}" >> "$log" 2>&1 \
    || die "cannot build Fabric: go install of github.com/hyperledger/fabric@$FABRIC_COMMIT failed; set GENOVFL_FABRIC_SOURCE to Fabric's source (log: $log)"
  local dir
  dir=$(ls -d "$(go env GOMODCACHE)"/github.com/hyperledger/fabric@*-"${FABRIC_COMMIT:0:12}"/sampleconfig 2>/dev/null | head -1)
  [ -n "$dir" ] || die "Fabric's sampleconfig is not in the Go module cache (log: $log)"
  cp -r "$dir" "$out/sampleconfig"; chmod -R u+w "$out/sampleconfig"
}

sampleconfig() { echo "$BIN/sampleconfig"; }

# --- crypto material and channel configuration ----------------------------------------
generate() {
  [ -f "$NET/genesis.block" ] && return
  step "Crypto material (cryptogen) and the channel's genesis block (configtxgen)"
  mkdir -p "$NET"
  cat > "$NET/crypto-config.yaml" <<YAML
OrdererOrgs:
  - Name: Orderer
    Domain: orderer.$DOMAIN
    EnableNodeOUs: true
    Specs: [{Hostname: orderer, SANS: [localhost, 127.0.0.1]}]
PeerOrgs:
YAML
  for org in "${ORGS[@]}"; do
    cat >> "$NET/crypto-config.yaml" <<YAML
  - Name: ${MSP[$org]%MSP}
    Domain: $org.$DOMAIN
    EnableNodeOUs: true
    Template: {Count: 1, SANS: [localhost, 127.0.0.1]}
    Users: {Count: 1}
YAML
  done
  cryptogen generate --config="$NET/crypto-config.yaml" --output="$NET/crypto" > /dev/null

  local orderer_tls="$NET/crypto/ordererOrganizations/orderer.$DOMAIN/orderers/orderer.orderer.$DOMAIN/tls"
  {
    echo "Organizations:"
    echo "  - &OrdererOrg"
    echo "    Name: OrdererMSP"
    echo "    ID: OrdererMSP"
    echo "    MSPDir: $NET/crypto/ordererOrganizations/orderer.$DOMAIN/msp"
    echo "    Policies:"
    echo "      Readers: {Type: Signature, Rule: \"OR('OrdererMSP.member')\"}"
    echo "      Writers: {Type: Signature, Rule: \"OR('OrdererMSP.member')\"}"
    echo "      Admins: {Type: Signature, Rule: \"OR('OrdererMSP.admin')\"}"
    echo "    OrdererEndpoints: [127.0.0.1:$ORDERER_PORT]"
    for org in "${ORGS[@]}"; do
      local m=${MSP[$org]}
      echo "  - &$m"
      echo "    Name: $m"
      echo "    ID: $m"
      echo "    MSPDir: $NET/crypto/peerOrganizations/$org.$DOMAIN/msp"
      echo "    Policies:"
      echo "      Readers: {Type: Signature, Rule: \"OR('$m.admin', '$m.peer', '$m.client')\"}"
      echo "      Writers: {Type: Signature, Rule: \"OR('$m.admin', '$m.client')\"}"
      echo "      Admins: {Type: Signature, Rule: \"OR('$m.admin')\"}"
      echo "      Endorsement: {Type: Signature, Rule: \"OR('$m.peer')\"}"
      echo "    AnchorPeers: [{Host: 127.0.0.1, Port: ${PEER_PORT[$org]}}]"
    done
    cat <<YAML
Capabilities:
  Channel: &ChannelCapabilities {V2_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {V2_5: true}
Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
    Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
  Capabilities: *ApplicationCapabilities
Orderer: &OrdererDefaults
  OrdererType: etcdraft
  # A single event must commit well under a second: cut blocks after 100 ms.
  BatchTimeout: 100ms
  BatchSize: {MaxMessageCount: 500, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: 2 MB}
  EtcdRaft:
    Consenters:
      - {Host: 127.0.0.1, Port: $ORDERER_PORT, ClientTLSCert: $orderer_tls/server.crt, ServerTLSCert: $orderer_tls/server.crt}
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
  Capabilities: *OrdererCapabilities
Channel: &ChannelDefaults
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
  Capabilities: *ChannelCapabilities
Profiles:
  GenovflAudit:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      Organizations: [*OrdererOrg]
    Application:
      <<: *ApplicationDefaults
      Organizations: [*HospitalMSP, *LabMSP, *CoordinatorMSP, *RegulatorMSP]
YAML
  } > "$NET/configtx.yaml"
  configtxgen -configPath "$NET" -profile GenovflAudit -channelID "$CHANNEL" -outputBlock "$NET/genesis.block" 2> "$NET/configtxgen.log" \
    || die "configtxgen failed: $NET/configtxgen.log"
  step_done "4 organisations with a peer each, orderer, genesis block"
}

# --- processes ------------------------------------------------------------------------
alive() { [ -f "$NET/pids/$1.pid" ] && kill -0 "$(cat "$NET/pids/$1.pid")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch() { # name, port, command... (environment already exported by the caller's subshell)
  local name=$1 port=$2; shift 2
  mkdir -p "$NET/pids" "$NET/logs"
  alive "$name" && return
  port_open "$port" && die "$name cannot start: port $port is in use by another process (log: $NET/logs/$name.log)"
  nohup "$@" >> "$NET/logs/$name.log" 2>&1 &
  echo $! > "$NET/pids/$name.pid"
}

wait_port() { # port, process name
  for _ in $(seq 1 300); do
    port_open "$1" && return
    alive "$2" || die "$2 exited before opening port $1 (log: $NET/logs/$2.log)"
    sleep 0.2
  done
  die "$2 did not open port $1 within 60 s (log: $NET/logs/$2.log)"
}

start_orderer() {
  local mark=0; [ -f "$NET/logs/orderer.log" ] && mark=$(wc -l < "$NET/logs/orderer.log")
  local tls="$NET/crypto/ordererOrganizations/orderer.$DOMAIN/orderers/orderer.orderer.$DOMAIN"
  (
    export FABRIC_CFG_PATH; FABRIC_CFG_PATH=$(sampleconfig)
    export ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 ORDERER_GENERAL_LISTENPORT=$ORDERER_PORT
    export ORDERER_GENERAL_LOCALMSPID=OrdererMSP ORDERER_GENERAL_LOCALMSPDIR="$tls/msp"
    export ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/tls/server.key"
    export ORDERER_GENERAL_TLS_CERTIFICATE="$tls/tls/server.crt" ORDERER_GENERAL_TLS_ROOTCAS="[$tls/tls/ca.crt]"
    export ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$tls/tls/server.crt" ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$tls/tls/server.key"
    export ORDERER_GENERAL_CLUSTER_ROOTCAS="[$tls/tls/ca.crt]" ORDERER_GENERAL_BOOTSTRAPMETHOD=none
    export ORDERER_CHANNELPARTICIPATION_ENABLED=true
    export ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$ORDERER_ADMIN_PORT ORDERER_ADMIN_TLS_ENABLED=true
    export ORDERER_ADMIN_TLS_CERTIFICATE="$tls/tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="$tls/tls/server.key"
    export ORDERER_ADMIN_TLS_ROOTCAS="[$tls/tls/ca.crt]" ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$tls/tls/ca.crt]"
    export ORDERER_FILELEDGER_LOCATION="$NET/ledgers/orderer" ORDERER_CONSENSUS_WALDIR="$NET/ledgers/orderer/wal"
    export ORDERER_CONSENSUS_SNAPDIR="$NET/ledgers/orderer/snap" ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:9443
    export ORDERER_METRICS_PROVIDER=disabled
    launch orderer $ORDERER_PORT orderer
  )
  wait_port $ORDERER_ADMIN_PORT orderer
  [ -d "$NET/ledgers/orderer/wal/$CHANNEL" ] && wait_raft_leader "$mark"   # a channel it already serves
  return 0
}

# A restarted orderer refuses transactions (SERVICE_UNAVAILABLE, no Raft leader) until its
# single Raft node has elected itself: wait for that on the log written since `mark`.
wait_raft_leader() { # mark: lines of the orderer log before this start
  for _ in $(seq 1 150); do
    tail -n +"$(( $1 + 1 ))" "$NET/logs/orderer.log" 2>/dev/null | grep -q "Raft leader changed: 0 -> " && return
    sleep 0.2
  done
  die "the orderer elected no Raft leader within 30 s (log: $NET/logs/orderer.log)"
}

join_orderer() {
  local tls="$NET/crypto/ordererOrganizations/orderer.$DOMAIN/orderers/orderer.orderer.$DOMAIN/tls"
  local admin=(-o 127.0.0.1:$ORDERER_ADMIN_PORT --ca-file "$tls/ca.crt" --client-cert "$tls/server.crt" --client-key "$tls/server.key")
  # osnadmin exits 0 on any HTTP answer: look at the status it prints.
  osnadmin channel list "${admin[@]}" --channelID "$CHANNEL" 2>/dev/null | grep -q 'Status: 200' && return
  osnadmin channel join "${admin[@]}" --channelID "$CHANNEL" --config-block "$NET/genesis.block" > "$NET/logs/osnadmin.log" 2>&1
  grep -q 'Status: 201' "$NET/logs/osnadmin.log" || die "orderer did not join $CHANNEL: $NET/logs/osnadmin.log"
}

peer_env() { # org: environment of the peer CLI acting as the org's admin
  local org=$1
  local dir="$NET/crypto/peerOrganizations/$org.$DOMAIN"
  export FABRIC_CFG_PATH; FABRIC_CFG_PATH=$(sampleconfig)
  export CORE_PEER_TLS_ENABLED=true CORE_PEER_LOCALMSPID=${MSP[$org]}
  export CORE_PEER_ADDRESS=127.0.0.1:${PEER_PORT[$org]}
  export CORE_PEER_TLS_ROOTCERT_FILE="$dir/peers/peer0.$org.$DOMAIN/tls/ca.crt"
  export CORE_PEER_TLS_SERVERHOSTOVERRIDE=peer0.$org.$DOMAIN
  export CORE_PEER_MSPCONFIGPATH="$dir/users/Admin@$org.$DOMAIN/msp"
}

start_peer() {
  local org=$1 port=${PEER_PORT[$1]} dir="$NET/crypto/peerOrganizations/$1.$DOMAIN/peers/peer0.$1.$DOMAIN"
  (
    export FABRIC_CFG_PATH; FABRIC_CFG_PATH=$(sampleconfig)
    export CORE_PEER_ID=peer0.$org.$DOMAIN CORE_PEER_LOCALMSPID=${MSP[$org]} CORE_PEER_MSPCONFIGPATH="$dir/msp"
    export CORE_PEER_LISTENADDRESS=127.0.0.1:$port CORE_PEER_ADDRESS=127.0.0.1:$port
    export CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$((port + 1)) CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$((port + 1))
    export CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$port CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$port
    export CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt"
    export CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key" CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt"
    export CORE_PEER_FILESYSTEMPATH="$NET/ledgers/$org" CORE_LEDGER_STATE_STATEDATABASE=goleveldb
    export CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$((port + 3)) CORE_METRICS_PROVIDER=disabled
    # No Docker engine: chaincode runs only as a service, through the ccaas external builder.
    export CORE_VM_ENDPOINT=""
    export CORE_CHAINCODE_EXTERNALBUILDERS="[{\"name\":\"ccaas_builder\",\"path\":\"$BIN/ccaas\",\"propagateEnvironment\":[\"HOME\"]}]"
    export CORE_PEER_GATEWAY_ENABLED=true
    launch "peer-$org" "$port" peer node start
  )
  wait_port "$port" "peer-$org"
}

join_peer() {
  local org=$1
  (
    peer_env "$org"
    peer channel getinfo -c "$CHANNEL" > /dev/null 2>&1 && exit 0
    for _ in $(seq 1 50); do
      peer channel join -b "$NET/genesis.block" >> "$NET/logs/peer-$org-join.log" 2>&1 && exit 0
      sleep 0.3
    done
    die "peer of $org did not join $CHANNEL: $NET/logs/peer-$org-join.log"
  )
}

# --- chaincode as a service -----------------------------------------------------------
package_chaincode() { # org -> package file; one package per org: each points at its own server
  local org=$1 work="$NET/chaincode/$1"
  mkdir -p "$work/src"
  printf '{"address":"127.0.0.1:%s","dial_timeout":"10s","tls_required":false}\n' "${CC_PORT[$org]}" > "$work/src/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$CHAINCODE" "$org" > "$work/metadata.json"
  tar -C "$work/src" -czf "$work/code.tar.gz" connection.json
  tar -C "$work" -czf "$work/$CHAINCODE-$org.tar.gz" metadata.json code.tar.gz
  echo "$work/$CHAINCODE-$org.tar.gz"
}

start_chaincode_server() { # org [--no-wait]: its chaincode server, for the package id its peer installed
  local org=$1 directory="" party
  for party in "${PARTIES[@]}"; do directory+="${NAME[$party]}=${MSP[$party]};"; done
  (
    export CHAINCODE_SERVER_ADDRESS=127.0.0.1:${CC_PORT[$org]} CORE_CHAINCODE_ID_NAME=$(cat "$NET/chaincode/$org/package-id")
    export GENOVFL_AUDIT_ORGANISATIONS="$directory"
    export GENOVFL_AUDIT_REGULATORS=${MSP[regulator]}   # may suspend studies (governance contract), speaks for no party
    launch "chaincode-$org" "${CC_PORT[$org]}" java -Xmx256m -XX:+UseSerialGC -jar "$CC_JAR"
  )
  [ "${2:-}" = --no-wait ] || wait_port "${CC_PORT[$org]}" "chaincode-$org"
}

deploy_chaincode() {
  [ -f "$CC_JAR" ] || die "chaincode jar missing: build with mvn -pl fabric-audit/chaincode -am package"
  local org
  local policy="OutOf(2, 'HospitalMSP.peer', 'LabMSP.peer', 'CoordinatorMSP.peer')"
  for org in "${ORGS[@]}"; do
    local pkg id
    pkg=$(package_chaincode "$org")
    id=$(peer_env "$org"; peer lifecycle chaincode calculatepackageid "$pkg")
    echo "$id" > "$NET/chaincode/$org/package-id"
    start_chaincode_server "$org" --no-wait   # a JVM starts slowly: let the four start together
    ( peer_env "$org"
      peer lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$id" \
        || peer lifecycle chaincode install "$pkg" >> "$NET/logs/lifecycle.log" 2>&1 \
        || die "install on $org failed: $NET/logs/lifecycle.log" )
  done
  local orderer_ca="$NET/crypto/ordererOrganizations/orderer.$DOMAIN/orderers/orderer.orderer.$DOMAIN/tls/ca.crt"
  local common=(-o 127.0.0.1:$ORDERER_PORT --ordererTLSHostnameOverride orderer.orderer.$DOMAIN --tls --cafile "$orderer_ca"
    --channelID "$CHANNEL" --name "$CHAINCODE" --version 1 --sequence 1 --signature-policy "$policy")
  if (peer_env hospital; peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" > /dev/null 2>&1); then
    return
  fi
  for org in "${ORGS[@]}"; do
    ( peer_env "$org"
      peer lifecycle chaincode approveformyorg "${common[@]}" --package-id "$(cat "$NET/chaincode/$org/package-id")" \
        >> "$NET/logs/lifecycle.log" 2>&1 || die "approval by $org failed: $NET/logs/lifecycle.log" )
  done
  local peers=()
  for org in "${PARTIES[@]}"; do
    peers+=(--peerAddresses 127.0.0.1:${PEER_PORT[$org]}
      --tlsRootCertFiles "$NET/crypto/peerOrganizations/$org.$DOMAIN/peers/peer0.$org.$DOMAIN/tls/ca.crt")
  done
  ( peer_env hospital
    # The override names the hospital's peer; the commit goes to every organisation's peer.
    unset CORE_PEER_TLS_SERVERHOSTOVERRIDE
    peer lifecycle chaincode commit "${common[@]}" "${peers[@]}" >> "$NET/logs/lifecycle.log" 2>&1 \
      || die "chaincode commit failed: $NET/logs/lifecycle.log" )
}

# Every peer answers a query through its own chaincode server before `up` returns.
wait_chaincode_ready() {
  local org
  for org in "${ORGS[@]}"; do
    wait_port "${CC_PORT[$org]}" "chaincode-$org"
    ( peer_env "$org"
      for _ in $(seq 1 60); do
        peer chaincode query -C "$CHANNEL" -n "$CHAINCODE" -c '{"Args":["queryByType","PROJECT_CREATED"]}' \
          > "$NET/logs/ready-$org.log" 2>&1 && exit 0
        sleep 0.5
      done
      die "the chaincode does not answer through the peer of $org (logs: $NET/logs/ready-$org.log, $NET/logs/chaincode-$org.log)" )
  done
}

write_connections() {
  mkdir -p "$NET/connections"
  local org
  for org in "${ORGS[@]}"; do
    local via=$org   # every organisation, the regulator too, goes through its own peer
    local users="$NET/crypto/peerOrganizations/$org.$DOMAIN/users/User1@$org.$DOMAIN/msp"
    cat > "$NET/connections/connection-$org.properties" <<PROPS
# Written by ./genovfl fabric up: how $org reaches channel $CHANNEL.
peer-endpoint=127.0.0.1:${PEER_PORT[$via]}
server-name-override=peer0.$via.$DOMAIN
tls-root-certificate=$NET/crypto/peerOrganizations/$via.$DOMAIN/peers/peer0.$via.$DOMAIN/tls/ca.crt
msp-id=${MSP[$org]}
certificate=$users/signcerts/User1@$org.$DOMAIN-cert.pem
private-key=$users/keystore
channel=$CHANNEL
chaincode=$CHAINCODE
PROPS
  done
}

# --- commands -------------------------------------------------------------------------
cmd_up() {
  local began; began=$(date +%s%N)
  build_binaries
  generate
  step "Orderer (Raft) and channel $CHANNEL"
  start_orderer; join_orderer
  step_done "orderer on 127.0.0.1:$ORDERER_PORT, channel joined"
  step "Peers of ${ORGS[*]}"
  for org in "${ORGS[@]}"; do start_peer "$org"; done
  for org in "${ORGS[@]}"; do join_peer "$org"; done
  step_done "${#ORGS[@]} peers joined"
  step "Audit chaincode as a service (endorsement: submitting organisation plus one other)"
  deploy_chaincode
  wait_chaincode_ready
  step_done "chaincode $CHAINCODE committed, answering on every peer"
  write_connections
  printf '==> fabric: up in %d s; connection files in %s\n' $(( ($(date +%s%N) - began) / 1000000000 )) "$NET/connections"
}

cmd_down() {
  step "Stopping the processes this script started"
  local stopped=0 f pid
  for f in "$NET"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; stopped=$((stopped + 1)); fi
    rm -f "$f"
  done
  step_done "$stopped stopped"
  if [ "${1:-}" = "--purge" ]; then rm -rf "$NET"; echo "    removed $NET"; fi
}

cmd_status() {
  local f name any=0
  for f in "$NET"/pids/*.pid; do
    [ -e "$f" ] || continue
    any=1; name=$(basename "$f" .pid)
    if alive "$name"; then
      printf '%-22s running (pid %s)%s\n' "$name" "$(cat "$f")" "$(channel_height "$name")"
    else
      printf '%-22s STOPPED (log: %s)\n' "$name" "$NET/logs/$name.log"
    fi
  done
  [ $any = 1 ] || echo "no Fabric network started from $NET"
}

channel_height() { # process name -> ", height N on <channel>" for the orderer and the peers
  local height=""
  case "$1" in
    orderer)
      local tls="$NET/crypto/ordererOrganizations/orderer.$DOMAIN/orderers/orderer.orderer.$DOMAIN/tls"
      height=$(osnadmin channel list -o 127.0.0.1:$ORDERER_ADMIN_PORT --ca-file "$tls/ca.crt" --client-cert "$tls/server.crt" \
        --client-key "$tls/server.key" --channelID "$CHANNEL" 2>/dev/null | grep -o '"height": *[0-9]*' | grep -o '[0-9]*$') ;;
    peer-*)
      height=$(peer_env "${1#peer-}"; peer channel getinfo -c "$CHANNEL" 2>/dev/null | grep -o '"height":[0-9]*' | grep -o '[0-9]*$') ;;
  esac
  [ -n "$height" ] && printf ', height %s on %s' "$height" "$CHANNEL"
}

cmd_logs() { tail -n "${2:-50}" "$NET"/logs/"${1:-*}"*.log; }

stop_process() { # name: SIGKILL, as a crash would
  alive "$1" && kill -9 "$(cat "$NET/pids/$1.pid")"
  while alive "$1"; do sleep 0.1; done
  rm -f "$NET/pids/$1.pid"
}

# For the fault tests: stop (kill -9) or restart one process, nothing else.
cmd_node() { # peer <org> | chaincode <org> | orderer, then stop|start
  local kind=$1 org="" action
  if [ "$kind" = orderer ]; then action=${2:-}; else org=${2:-}; action=${3:-}; fi
  [ "$kind" = orderer ] || [ -n "${PEER_PORT[$org]:-}" ] || die "$kind needs an organisation: ${ORGS[*]}"
  local name=$kind${org:+-$org}
  case "$action" in
    stop) stop_process "$name" ;;
    start)
      case "$kind" in
        orderer) start_orderer ;;
        peer) start_peer "$org" ;;
        chaincode) start_chaincode_server "$org" ;;
      esac ;;
    *) die "$kind ${org:+$org }stop|start" ;;
  esac
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  peer|chaincode|orderer) cmd_node "$@" ;;
  *) echo "usage: ./genovfl fabric up|down [--purge]|status|logs [name] [lines]|peer <org> stop|start|chaincode <org> stop|start|orderer stop|start" >&2; exit 2 ;;
esac
