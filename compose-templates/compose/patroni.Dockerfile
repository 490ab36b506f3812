# Patroni + PostgreSQL 15 from Debian's packages: the same versions the local driver runs.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends patroni postgresql-15 python3-etcd ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /run/postgresql
USER postgres
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
EXPOSE 5432 8008
