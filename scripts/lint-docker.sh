#!/usr/bin/env bash
# Lints the Docker deployment files: docker/Dockerfile with hadolint, docker/compose.yml with
# `docker compose config` (which needs the Compose v2 plugin, not a running engine), and
# docker/Caddyfile with `caddy validate` and `caddy fmt`. A missing tool is reported and skipped,
# never installed; a finding makes the script exit 1. Without any tool, the Caddyfile is still
# checked against compose.yml: balanced braces, the upstream it proxies to is the `server`
# service on the port the servers listen on, compose mounts it, and no server port bypasses it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0

if command -v hadolint >/dev/null 2>&1; then
  echo "lint-docker: hadolint docker/Dockerfile"
  hadolint docker/Dockerfile || status=1
else
  echo "lint-docker: hadolint not installed; skipped docker/Dockerfile"
fi

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  echo "lint-docker: docker compose config docker/compose.yml"
  # The file requires these variables; placeholders suffice to check its structure.
  POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-lint-placeholder}" \
    JWT_SECRET="${JWT_SECRET:-lint-placeholder-lint-placeholder-lint}" \
    PUBLIC_ORIGIN="${PUBLIC_ORIGIN:-https://example.org}" \
    docker compose -f docker/compose.yml config -q || status=1
else
  echo "lint-docker: docker compose (v2 plugin) not installed; skipped docker/compose.yml"
fi

caddyfile=docker/Caddyfile
compose=docker/compose.yml
if command -v caddy >/dev/null 2>&1; then
  echo "lint-docker: caddy validate $caddyfile"
  PUBLIC_ORIGIN="${PUBLIC_ORIGIN:-https://example.org}" \
    caddy validate --config "$caddyfile" --adapter caddyfile || status=1
  if ! caddy fmt "$caddyfile" | diff -u "$caddyfile" - >/dev/null; then
    echo "lint-docker: $caddyfile is not formatted (caddy fmt --overwrite $caddyfile)"
    status=1
  fi
else
  echo "lint-docker: caddy not installed; skipped caddy validate $caddyfile"
fi

echo "lint-docker: $caddyfile against $compose"
caddy_fail() {
  echo "lint-docker: $caddyfile: $1"
  status=1
}
# Comments stripped: braces and names in them do not count.
caddy_body=$(sed -e 's/[[:space:]]*#.*$//' "$caddyfile")
opening=$(tr -cd '{' <<<"$caddy_body" | wc -c)
closing=$(tr -cd '}' <<<"$caddy_body" | wc -c)
[[ $opening -eq $closing ]] || caddy_fail "unbalanced braces ($opening '{', $closing '}')"
grep -qE '^\{\$PUBLIC_ORIGIN\}[[:space:]]*\{$' <<<"$caddy_body" ||
  caddy_fail "the site address must be {\$PUBLIC_ORIGIN} (the origin the servers are configured with)"
upstream=$(awk '$1 == "name" { print $2 }' <<<"$caddy_body")
upstream_port=$(awk '$1 == "port" { print $2 }' <<<"$caddy_body")
server_port=$(sed -nE "s/^[[:space:]]+PORT: '([0-9]+)'$/\1/p" "$compose" | head -n 1)
[[ $upstream == server ]] || caddy_fail "dynamic a upstream is '$upstream', not the compose service 'server'"
[[ -n $server_port && $upstream_port == "$server_port" ]] ||
  caddy_fail "upstream port '$upstream_port' is not the servers' PORT '$server_port' in $compose"
grep -qE '^[[:space:]]+- \./Caddyfile:/etc/caddy/Caddyfile:ro$' "$compose" ||
  caddy_fail "$compose does not mount it into the caddy service"
# The server service's block (up to the next service) must publish no port: clients would bypass
# Caddy, and with TRUST_PROXY=true they could choose their own address.
if awk '/^  server:$/ { inside = 1; next } /^  [a-z-]+:$/ { inside = 0 } inside && /^    ports:/ { found = 1 } END { exit !found }' "$compose"; then
  caddy_fail "the server service publishes ports in $compose: only Caddy may reach the servers"
fi

exit "$status"
