{{prelude}}
RUN apt-get update \
 && apt-get install -y --no-install-recommends etcd-server etcd-client \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/etcd && chown etcd:etcd /var/lib/etcd && chmod 700 /var/lib/etcd
USER etcd
CMD ["etcd"]
