#!/bin/sh
# Run once by the postgres image when it creates its database (docker-entrypoint-initdb.d):
# lets the streaming replica (docker-compose's db-replica) connect for replication.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
