#!/bin/sh
# Installs the Debian packages dhcpfo needs to build, test, benchmark and
# run its demo.  Packages already installed are skipped; apt is retried
# because the mirror sometimes fails to resolve for a minute.
#
# Usage: scripts/deps.sh [build|test|all]   (default: all)
set -u

BUILD_PKGS="build-essential pkg-config libev-dev libdb5.3-dev libiniparser-dev
libcmocka-dev libssl-dev libsnmp-dev libmicrohttpd-dev libcap-dev debhelper"
TEST_PKGS="iproute2 iputils-ping jq bc openssl nftables procps tcpdump isc-dhcp-client
isc-dhcp-relay isc-dhcp-server udhcpc dhcpcd-base kea-dhcp4-server kea-admin
snmpd snmp snmptrapd smitools tshark prometheus curl mandoc lintian
man-db systemd util-linux"

case "${1:-all}" in
build)	want=$BUILD_PKGS ;;
test|all) want="$BUILD_PKGS $TEST_PKGS" ;;
*)	echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
retry() {
	n=0
	until "$@"; do
		n=$((n + 1))
		if [ "$n" -ge 6 ]; then
			echo "deps: '$*' failed $n times, giving up" >&2
			return 1
		fi
		echo "deps: '$*' failed, retrying in 20 s ($n/5)" >&2
		sleep 20
	done
}
echo "deps: installing$missing"
retry apt-get update -qq || exit 1
# shellcheck disable=SC2086
retry apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    exit 1
# Packaged services must not run on their own: tests start their own.
for s in kea-dhcp4-server isc-dhcp-relay isc-dhcp-server snmpd snmptrapd \
    prometheus; do
	if command -v service >/dev/null 2>&1; then
		service "$s" stop >/dev/null 2>&1 || true
	fi
done
exit 0
