{{prelude}}
# gateway-lite and the workers run from madbase's own jar (copied beside this file by the render).
RUN apt-get update \
 && apt-get install -y --no-install-recommends {{java_package}} \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY madbase.jar /opt/madbase/madbase.jar
USER madbase
