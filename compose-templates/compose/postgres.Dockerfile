{{prelude}}
# Patroni and PostgreSQL 15 from Debian: the versions the local driver runs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends patroni postgresql-15 \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /run/postgresql \
 && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
