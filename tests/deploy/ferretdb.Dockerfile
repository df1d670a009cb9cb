# A MongoDB-wire test server for scripts/container-test.sh: the FerretDB binary that
# scripts/ferretdb.sh builds, on Debian (Docker Hub's mongo image cannot be pulled here).
FROM debian:bookworm-slim
COPY ferretdb /usr/local/bin/ferretdb
VOLUME ["/data/db"]
ENTRYPOINT ["/usr/local/bin/ferretdb"]
