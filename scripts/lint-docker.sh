#!/usr/bin/env bash
# Lints the Docker deployment files: docker/Dockerfile with hadolint, docker/compose.yml with
# `docker compose config` (which needs the Compose v2 plugin, not a running engine). A missing
# tool is reported and skipped, never installed; a finding makes the script exit 1.
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

exit "$status"
