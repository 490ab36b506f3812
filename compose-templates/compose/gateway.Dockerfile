# gateway-lite and the workers run from madbase's own jar (copied here by `madbase render`).
FROM eclipse-temurin:17-jre
COPY madbase.jar /opt/madbase/madbase.jar
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/madbase/madbase.jar"]
