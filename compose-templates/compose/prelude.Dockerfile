# The same first layers in every image (Docker caches them once): Debian's packages without a
# registry beyond Debian's own mirror, nothing started at install time, no default PostgreSQL
# cluster baked in, and fixed user ids so volumes and bind mounts survive a rebuild.
FROM {{base_image}}
LABEL io.madbase.base-image="{{base_image}}"
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d \
 && mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/00-madbase.conf \
 && printf 'deb {{mirror}} {{suite}} main\ndeb {{mirror}} {{suite}}-updates main\ndeb {{security_mirror}} {{suite}}-security main\n' > /etc/apt/sources.list \
 && rm -f /etc/apt/sources.list.d/debian.sources \
 && groupadd -r -g 999 postgres && useradd -r -u 999 -g postgres -d /var/lib/postgresql -s /bin/bash postgres \
 && groupadd -r -g 998 redis && useradd -r -u 998 -g redis -d /var/lib/redis -s /usr/sbin/nologin redis \
 && groupadd -r -g 997 etcd && useradd -r -u 997 -g etcd -d /var/lib/etcd -s /usr/sbin/nologin etcd \
 && groupadd -r -g 996 madbase && useradd -r -u 996 -g madbase -d /opt/madbase -s /usr/sbin/nologin madbase
