#!/usr/bin/env bash
# A single-node, in-memory Ceph cluster (monitor + memstore OSD + RGW) on 127.0.0.1: a real S3 server that enforces
# Object Lock, without Docker. Started by ackline.testing.s3.CephRgw for the WORM tests; runnable by hand too:
#   CEPH_DIR=/tmp/ceph MON_PORT=6789 RGW_PORT=7480 bash ceph-rgw.sh      stop: kill $(cat /tmp/ceph/run/*.pid)
# MEMSTORE_BYTES sizes the in-memory OSD (default 1 GiB; RAM is taken only as objects are written).
# Needs: apt-get install --no-install-recommends radosgw ceph-mon ceph-osd   (Debian 12: Ceph 16.2 "pacific")
set -euo pipefail
B=${CEPH_DIR:-$(mktemp -d)/ceph-s3}
MON_PORT=${MON_PORT:-6789}
PORT=${RGW_PORT:-7480}
AK=${S3_ACCESS_KEY:-devaccess}
SK=${S3_SECRET_KEY:-devsecret123}
rm -rf "$B"; mkdir -p "$B"/{mon/a,osd/0,run,log,rgw}; FSID=$(uuidgen)
cat > "$B/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = [v1:127.0.0.1:$MON_PORT]
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $B/run
log file = $B/log/\$name.log
admin socket = $B/run/\$name.asok
pid file = $B/run/\$name.pid
ms bind ipv6 = false
# any monitor port (several clusters on one machine): the legacy protocol only, msgr2 would expect port 3300
ms bind msgr2 = false
public addr = 127.0.0.1
mon data = $B/mon/\$id
osd data = $B/osd/\$id
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-1073741824}
osd max object name len = 256
osd max object namespace len = 64
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=${RGW_TCP_NODELAY:-1}
rgw data = $B/rgw
keyring = /dev/null
CONF
C="-c $B/ceph.conf"
monmaptool --create --addv a "[v1:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$B/monmap" >/dev/null
ceph-authtool --create-keyring "$B/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-mon $C --mkfs -i a --monmap "$B/monmap" --keyring "$B/mon.keyring"
ceph-mon $C -i a
ID=$(timeout 30 ceph $C osd create)
ceph-osd $C -i "$ID" --mkfs 2>/dev/null
timeout 30 ceph $C osd crush add "osd.$ID" 1.0 host=localhost >/dev/null 2>&1
timeout 30 ceph $C osd crush move localhost root=default >/dev/null 2>&1
# the OSD now and then exits at start-up (exit 250) while the monitor settles: try again
for attempt in 1 2 3 4 5; do
  if ceph-osd $C -i "$ID" 2>>"$B/log/osd-start.log"; then break; fi
  [ "$attempt" = 5 ] && { cat "$B/log/osd-start.log"; exit 1; }
  sleep 2
done
radosgw $C -n client.rgw.a
for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
timeout 60 radosgw-admin $C -n client.rgw.a user create --uid=dev --display-name=dev \
  --access-key="$AK" --secret="$SK" >/dev/null
echo "RGW ready on http://127.0.0.1:$PORT"
