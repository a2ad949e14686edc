#!/usr/bin/env bash
# Tools the test suite runs for real: moto_server (S3 and Athena APIs on loopback) and Chromium.
# Idempotent; safe to run on a machine that has them already.
set -euo pipefail
if ! command -v moto_server >/dev/null 2>&1; then
  pip install 'moto[server]'
fi
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
