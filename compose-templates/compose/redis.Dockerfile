{{prelude}}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server redis-sentinel redis-tools \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
