{{prelude}}
# {{postgres_note}}
RUN apt-get update \
 && apt-get install -y --no-install-recommends {{postgres_packages}} \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /run/postgresql \
 && chmod 700 /var/lib/postgresql/data
ENV PATH={{postgres_bin}}:$PATH
