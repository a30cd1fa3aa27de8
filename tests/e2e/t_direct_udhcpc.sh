#!/bin/bash
# udhcpc on a LAN directly attached to the server (Interfaces = the server's
# LAN interface): obtain a lease in the range, renew it (ends moves
# forward), release it (the lease leaves "bound").
. "$(dirname "$0")/lib.sh"
direct_client_test udhcpc
