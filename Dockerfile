# Corebot's image: built from source on Debian 12, run as a non-root user with its data in a
# volume. `docker compose up` (compose.yaml) is the usual way in; docs/install.md.
#
#   docker build -t corebot .
#   (podman: podman build --pull=never --network=host --format docker -t corebot .; the docker
#   format keeps the HEALTHCHECK, which OCI images cannot carry)
#
# The compiler cache: with the host's ccache mounted at /ccache (podman build -v
# ~/.cache/ccache:/ccache), a rebuild compiles only what changed; without it, ccache starts empty.
FROM debian:bookworm-slim AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake ninja-build pkg-config ccache ca-certificates python3 \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libcurl4-openssl-dev libssl-dev \
      libsqlite3-dev libmongoc-dev liblua5.4-dev liborcus-dev libixion-dev libxlsxwriter-dev \
      libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libcairo2-dev libmimalloc-dev >/dev/null \
 && rm -rf /var/lib/apt/lists/*
# Paths and settings that match a developer's ccache (base_dir /work, build/ beside src/).
ENV CCACHE_DIR=/ccache CCACHE_BASEDIR=/work CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G
WORKDIR /work/corebot
# The sources, least often changed first.
COPY cmake cmake
COPY spec spec
COPY tools tools
COPY CMakeLists.txt ./
COPY include include
COPY examples examples
COPY bench bench
COPY src src
ARG JOBS=2
RUN mkdir -p /ccache && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOREBOT_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null \
 && ninja -C build -j"$JOBS" corebot corebot_store_mongo \
 && mkdir -p /out/bin /out/lib/corebot \
 && strip -o /out/bin/corebot build/src/cli/corebot \
 && strip -o /out/lib/corebot/libcorebot_store_mongo.so build/src/store/libcorebot_store_mongo.so

FROM debian:bookworm-slim
# The runtime libraries only (libmongoc for the MongoDB backend plugin).
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates libcurl4 libssl3 libsqlite3-0 liborcus-0.17-0 libtomlplusplus3 libspdlog1.10 libfmt9 \
      libboost-json1.81.0 libmongoc-1.0-0 libbson-1.0-0 liblua5.4-0 libxlsxwriter4 libcairo2 \
      libmimalloc2.0 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/* \
 && useradd --system --uid 10001 --home-dir /var/lib/corebot --shell /usr/sbin/nologin corebot \
 && mkdir -p /var/lib/corebot && chown corebot:corebot /var/lib/corebot && chmod 0700 /var/lib/corebot
COPY --from=build /out/bin/corebot /usr/local/bin/corebot
COPY --from=build /out/lib/corebot/ /usr/local/lib/corebot/
COPY examples/business-card/business-card.xlsx /usr/local/share/corebot/starter.xlsx
COPY deploy/docker/bot.toml /etc/corebot/bot.toml
COPY deploy/docker/entrypoint.sh /usr/local/bin/corebot-entrypoint
USER corebot
WORKDIR /var/lib/corebot
VOLUME ["/var/lib/corebot"]
# See core/trim_memory.hpp: gnutls (pulled in by libcurl) need not initialise itself.
ENV GNUTLS_NO_IMPLICIT_INIT=1
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${COREBOT_HEALTH_PORT:-8081} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"ok\":true' <&3"]
ENTRYPOINT ["/usr/local/bin/corebot-entrypoint"]
CMD ["corebot", "run", "--config", "/etc/corebot/bot.toml"]
