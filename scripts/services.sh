#!/usr/bin/env bash
# Make PostgreSQL (127.0.0.1:5432, database "test") and Redis (127.0.0.1:6379) available:
# reuse them when running, start them when installed but stopped, install them when absent.
set -euo pipefail

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for <description> <command...>
    local what=$1; shift
    for _ in $(seq 1 30); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "services: $what did not come up" >&2
    return 1
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

if ! command -v pg_isready >/dev/null 2>&1 || ! pg_up; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "services: installing PostgreSQL" >&2
        apt_install postgresql
    fi
    if ! pg_up; then
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        conf=/etc/postgresql/$version/main
        # trust auth on loopback, as the test suite expects
        if ! grep -q "pix-lti" "$conf/pg_hba.conf" 2>/dev/null; then
            sed -i '1i # pix-lti test services\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
        fi
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    wait_for PostgreSQL pg_up
fi
if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test' >/dev/null
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }

if ! command -v redis-cli >/dev/null 2>&1 || ! redis_up; then
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "services: installing Redis" >&2
        apt_install redis-server
    fi
    if ! redis_up; then
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log
    fi
    wait_for Redis redis_up
fi
echo "services: PostgreSQL and Redis are up" >&2
